#pragma once
// A register image served as a modbus::Client: what a meter would answer, without a bus.
// Unwritten registers read as 0, like most meters' unused addresses.
#include <bit>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::test {

class FakeDevice : public modbus::Client {
 public:
  void put(modbus::Function f, std::uint16_t address, std::vector<std::uint16_t> words) {
    for (std::size_t i = 0; i < words.size(); ++i) image_[{f, static_cast<std::uint16_t>(address + i)}] = words[i];
  }
  void put_f32(modbus::Function f, std::uint16_t address, float v, bool low_first = false) {
    const auto raw = std::bit_cast<std::uint32_t>(v);
    put32(f, address, raw, low_first);
  }
  void put32(modbus::Function f, std::uint16_t address, std::uint32_t raw, bool low_first = false) {
    const auto hi = static_cast<std::uint16_t>(raw >> 16), lo = static_cast<std::uint16_t>(raw);
    put(f, address, low_first ? std::vector<std::uint16_t>{lo, hi} : std::vector<std::uint16_t>{hi, lo});
  }
  void put64(modbus::Function f, std::uint16_t address, std::uint64_t raw) {
    put(f, address, {static_cast<std::uint16_t>(raw >> 48), static_cast<std::uint16_t>(raw >> 32),
                     static_cast<std::uint16_t>(raw >> 16), static_cast<std::uint16_t>(raw)});
  }

  modbus::Reply execute(const modbus::Request& r) override {
    requests.push_back(r);
    modbus::Reply reply;
    if (failing) {
      reply.outcome = modbus::Outcome::timeout;
      reply.message = "no answer";
      return reply;
    }
    reply.outcome = modbus::Outcome::ok;
    for (std::uint16_t i = 0; i < r.count; ++i) {
      const auto it = image_.find({r.function, static_cast<std::uint16_t>(r.address + i)});
      reply.registers.push_back(it == image_.end() ? 0 : it->second);
    }
    if (short_reply && !reply.registers.empty()) reply.registers.pop_back();
    return reply;
  }

  bool failing = false;
  bool short_reply = false;
  std::vector<modbus::Request> requests;

 private:
  std::map<std::pair<modbus::Function, std::uint16_t>, std::uint16_t> image_;
};

}  // namespace ampgate::test
