#pragma once
// What every charger driver shares: building requests, assembling multi-word values,
// range checks on commands, and the stale-value bookkeeping of on_reply().
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "drivers/charger.h"

namespace ampgate::drivers::chargers {

modbus::Request read_request(std::uint8_t unit, modbus::Function fn, std::uint16_t address,
                             std::uint16_t count, modbus::Priority priority, std::string tag);
// FC6 for one register, FC16 for several.
modbus::Request write_request(std::uint8_t unit, std::uint16_t address, std::vector<std::uint16_t> values,
                              std::string tag);

// Multi-word integers. `low_first`: the register at the lower address holds the least
// significant word (TeltoCharge's "1st word", "2nd word >> 16").
std::uint32_t u32_of(std::uint16_t first, std::uint16_t second, bool low_first);
std::uint64_t u64_of(const std::uint16_t* words, bool low_first);  // four registers
inline std::int16_t s16_of(std::uint16_t w) { return static_cast<std::int16_t>(w); }

// A human name for `value` in `names`, or "<what> N (undocumented)" when out of the table.
std::string name_of(const std::vector<std::string>& names, unsigned value, const std::string& what);
// The names of the set bits of `bits`; unnamed set bits become "<what> bit N (undocumented)".
std::vector<std::string> flags_of(std::uint32_t bits, const std::vector<std::string>& names, const std::string& what);

// Empty when `amps` is a setpoint the charger may be given; else the reason.
std::string check_setpoint(double amps, const Capabilities& caps, const std::string& model);
// Empty when the settings are usable; else what is wrong with them.
std::string check_settings(const ChargerSettings& s);

std::string format_amps(double a);

// Common on_reply(): rejects failed and wrong-length replies, clearing the request's value
// group (stale, not zero), stamps last_good on success and hands the registers to `decode`.
class ChargerBase : public Charger {
 public:
  explicit ChargerBase(ChargerSettings settings) : settings_(std::move(settings)) {}
  const ChargerState& state() const override { return state_; }
  void on_reply(const modbus::Request& request, const modbus::Reply& reply, Clock::time_point now) override;

 protected:
  // Decode a successful read of `request` (registers.size() == request.count is checked).
  virtual void decode(const modbus::Request& request, const std::vector<std::uint16_t>& regs) = 0;
  // Forget every value the read `request` provides.
  virtual void clear(const modbus::Request& request) = 0;
  // A write was answered (ok or not): drivers that repeat their last write (keep-alive)
  // or learn which values the device accepts override this.
  virtual void written(const modbus::Request&, const modbus::Reply&) {}

  modbus::Request read(modbus::Function fn, std::uint16_t address, std::uint16_t count, modbus::Priority p,
                       std::string tag) const {
    return read_request(settings_.unit, fn, address, count, p, std::move(tag));
  }
  modbus::Request write(std::uint16_t address, std::vector<std::uint16_t> values, std::string tag) const {
    return write_request(settings_.unit, address, std::move(values), std::move(tag));
  }

  ChargerSettings settings_;
  ChargerState state_;
};

}  // namespace ampgate::drivers::chargers
