#pragma once
// Drives a driver (charger or meter codec) as the bus would, with replies chosen by the
// fuzz input: each polled request gets a good answer, a failure, or a good answer of the
// wrong length, with fuzzed register words. A reply's words come from the input, so a
// seed is in effect a register image of the device.
#include <chrono>
#include <vector>

#include "drivers/device.h"
#include "tests/fuzz/fuzz_bytes.h"

namespace ampgate::fuzz {

inline modbus::Reply reply_for(const modbus::Request& rq, Bytes& in) {
  modbus::Reply r;
  const std::uint8_t how = in.u8();
  switch (how % 16) {
    case 12: r.outcome = modbus::Outcome::timeout; return r;
    case 13: r.outcome = modbus::Outcome::exception; r.exception_code = 1 + in.pick(11); return r;
    case 14: r.outcome = modbus::Outcome::bad_frame; return r;
    case 15: r.outcome = modbus::Outcome::io_error; return r;
    default: break;
  }
  r.outcome = modbus::Outcome::ok;
  if (rq.is_write()) return r;
  // 1 in 12: a reply of the wrong length (a device or a bug sending too few or too many).
  const std::size_t count = how % 16 == 11 ? in.pick(130) : rq.count;
  r.registers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) r.registers.push_back(in.u16());
  return r;
}

// A few poll cycles, fast and slow, each request answered from the input, with time moving.
inline void poll_cycles(drivers::Device& d, Bytes& in, drivers::Clock::time_point& now) {
  const std::size_t cycles = 1 + in.pick(4);
  for (std::size_t c = 0; c < cycles && !in.empty(); ++c) {
    const auto level = in.pick(2) ? drivers::PollLevel::slow : drivers::PollLevel::fast;
    for (const auto& rq : d.poll(level)) {
      FUZZ_CHECK(rq.is_write() || (rq.count >= 1 && rq.count <= d.max_read_registers()));
      d.on_reply(rq, reply_for(rq, in), now);
    }
    now += std::chrono::seconds(1 + in.pick(30));
  }
}

}  // namespace ampgate::fuzz
