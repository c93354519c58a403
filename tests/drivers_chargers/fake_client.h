#pragma once
// An in-memory Modbus peer for driver unit tests: one register bank per unit id, holding
// and input registers and coils kept apart, with switchable failures (timeouts, exceptions
// for unmapped addresses, short replies).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::test {

class FakeClient : public modbus::Client {
 public:
  enum class Space { holding, input, coil };

  void set(std::uint8_t unit, Space space, std::uint16_t address, std::vector<std::uint16_t> values) {
    for (std::size_t i = 0; i < values.size(); ++i) bank_[{unit, space, static_cast<std::uint16_t>(address + i)}] = values[i];
  }
  void holding(std::uint8_t unit, std::uint16_t address, std::vector<std::uint16_t> v) { set(unit, Space::holding, address, std::move(v)); }
  void input(std::uint8_t unit, std::uint16_t address, std::vector<std::uint16_t> v) { set(unit, Space::input, address, std::move(v)); }
  // 32-bit value, high word first.
  void holding32(std::uint8_t unit, std::uint16_t address, std::uint32_t v) {
    holding(unit, address, {static_cast<std::uint16_t>(v >> 16), static_cast<std::uint16_t>(v & 0xffff)});
  }
  void input32(std::uint8_t unit, std::uint16_t address, std::uint32_t v) {
    input(unit, address, {static_cast<std::uint16_t>(v >> 16), static_cast<std::uint16_t>(v & 0xffff)});
  }
  std::optional<std::uint16_t> get(std::uint8_t unit, Space space, std::uint16_t address) const {
    auto it = bank_.find({unit, space, address});
    if (it == bank_.end()) return std::nullopt;
    return it->second;
  }

  bool silent = false;        // every request times out
  bool short_replies = false;  // reads answer one register too few

  std::vector<modbus::Request> log;  // every request executed, in order

  modbus::Reply execute(const modbus::Request& rq) override {
    log.push_back(rq);
    modbus::Reply reply;
    if (silent) {
      reply.outcome = modbus::Outcome::timeout;
      return reply;
    }
    const Space space = space_of(rq.function);
    if (rq.is_write()) {
      set(rq.unit, space, rq.address, rq.values);
      reply.outcome = modbus::Outcome::ok;
      return reply;
    }
    for (std::uint16_t i = 0; i < rq.count; ++i) {
      auto v = get(rq.unit, space, static_cast<std::uint16_t>(rq.address + i));
      if (!v) {
        reply.outcome = modbus::Outcome::exception;
        reply.exception_code = 2;  // illegal data address
        reply.registers.clear();
        return reply;
      }
      reply.registers.push_back(*v);
    }
    if (short_replies && !reply.registers.empty()) reply.registers.pop_back();
    reply.outcome = modbus::Outcome::ok;
    return reply;
  }

 private:
  static Space space_of(modbus::Function f) {
    switch (f) {
      case modbus::Function::read_input: return Space::input;
      case modbus::Function::read_coils:
      case modbus::Function::read_discrete_inputs:
      case modbus::Function::write_single_coil: return Space::coil;
      default: return Space::holding;
    }
  }
  std::map<std::tuple<std::uint8_t, Space, std::uint16_t>, std::uint16_t> bank_;
};

}  // namespace ampgate::test
