#include "gateway/bus/backoff.h"

#include <algorithm>

namespace ampgate::gateway {

Backoff::Decision Backoff::check(std::uint8_t unit, Clock::time_point now) const {
  auto it = units_.find(unit);
  if (it == units_.end() || !it->second.backed_off) return Decision::send;
  return now >= it->second.next_probe ? Decision::probe : Decision::skip;
}

void Backoff::on_outcome(std::uint8_t unit, modbus::Outcome outcome, Clock::time_point now) {
  auto& s = units_[unit];
  switch (outcome) {
    case modbus::Outcome::ok:
    case modbus::Outcome::exception:  // a refusal is still an answer: the device is there
      s = State{};
      break;
    case modbus::Outcome::timeout:
      if (s.backed_off) {
        s.interval = std::min(s.interval * 2, policy_.max_probe);
        s.next_probe = now + s.interval;
      } else if (++s.timeouts >= policy_.after_timeouts) {
        s.backed_off = true;
        s.interval = policy_.first_probe;
        s.next_probe = now + s.interval;
      }
      break;
    case modbus::Outcome::bad_frame:
      // Something answered, garbled: not silence, but not a usable answer either.
      if (s.backed_off) s.next_probe = now + s.interval;
      else s.timeouts = 0;
      break;
    case modbus::Outcome::io_error:  // the link is down, not the device
    case modbus::Outcome::backed_off:
      break;
  }
}

bool Backoff::backed_off(std::uint8_t unit) const {
  auto it = units_.find(unit);
  return it != units_.end() && it->second.backed_off;
}

Backoff::Clock::duration Backoff::until_probe(std::uint8_t unit, Clock::time_point now) const {
  auto it = units_.find(unit);
  if (it == units_.end() || !it->second.backed_off || it->second.next_probe <= now) return {};
  return it->second.next_probe - now;
}

}  // namespace ampgate::gateway
