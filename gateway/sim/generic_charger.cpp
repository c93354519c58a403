// A `generic` charger: whatever the site file's `registers:` table says it has. Each entry
// is laid out by its own type, word order and scale (raw = value / scale), coded here
// rather than with the driver's encoder so that a driver test checks one reading of the
// table against another. Holding entries are read with FC3, input entries with FC4;
// current_setpoint and enable take FC6/FC16 writes. The status register reads 0 (no car),
// 1 (car connected, not drawing) or 2 (drawing). There is no watchdog: the table cannot
// describe one.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

using modbus::RegisterSpec;
using modbus::ValueType;
using modbus::WordOrder;

int words_of(ValueType t) {
  switch (t) {
    case ValueType::u16:
    case ValueType::s16: return 1;
    case ValueType::u32:
    case ValueType::s32:
    case ValueType::f32: return 2;
    default: return 4;
  }
}

// The register words that carry `value` (already in the quantity's unit).
std::vector<std::uint16_t> lay_out(const RegisterSpec& spec, double value) {
  const double raw = value / spec.scale;
  const int n = words_of(spec.type);
  std::uint64_t bits = 0;
  auto clamp_int = [&](double lo, double hi) { return std::clamp(std::round(raw), lo, hi); };
  switch (spec.type) {
    case ValueType::u16: bits = static_cast<std::uint64_t>(clamp_int(0, 65535)); break;
    case ValueType::s16: bits = static_cast<std::uint16_t>(static_cast<std::int16_t>(clamp_int(-32768, 32767))); break;
    case ValueType::u32: bits = static_cast<std::uint64_t>(clamp_int(0, 4294967295.0)); break;
    case ValueType::s32:
      bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(clamp_int(-2147483648.0, 2147483647.0)));
      break;
    case ValueType::f32: bits = std::bit_cast<std::uint32_t>(static_cast<float>(raw)); break;
    case ValueType::u64: bits = static_cast<std::uint64_t>(clamp_int(0, 9.0e18)); break;
    case ValueType::s64: bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(clamp_int(-9.0e18, 9.0e18))); break;
    default: bits = std::bit_cast<std::uint64_t>(raw); break;
  }
  std::vector<std::uint16_t> w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto word = static_cast<std::uint16_t>((bits >> (16 * (n - 1 - i))) & 0xFFFF);  // most significant first
    w[static_cast<std::size_t>(spec.order == WordOrder::high_first ? i : n - 1 - i)] = word;
  }
  return w;
}

// The value carried by the words (inverse of lay_out).
double read_back(const RegisterSpec& spec, const std::vector<std::uint16_t>& w) {
  const int n = words_of(spec.type);
  std::uint64_t bits = 0;
  for (int i = 0; i < n; ++i)
    bits = (bits << 16) | w[static_cast<std::size_t>(spec.order == WordOrder::high_first ? i : n - 1 - i)];
  double raw = 0;
  switch (spec.type) {
    case ValueType::u16:
    case ValueType::u32:
    case ValueType::u64: raw = static_cast<double>(bits); break;
    case ValueType::s16: raw = static_cast<std::int16_t>(bits); break;
    case ValueType::s32: raw = static_cast<std::int32_t>(bits); break;
    case ValueType::s64: raw = static_cast<double>(static_cast<std::int64_t>(bits)); break;
    case ValueType::f32: raw = std::bit_cast<float>(static_cast<std::uint32_t>(bits)); break;
    default: raw = std::bit_cast<double>(bits); break;
  }
  return raw * spec.scale;
}

class GenericCharger final : public SimCharger {
 public:
  explicit GenericCharger(const config::Charger& c) : SimCharger(c), table_(c.generic.value_or(config::GenericChargerTable{})) {
    put("current_setpoint", c.max_current, held_);  // an unconfigured charger gives what it can
    put("enable", 1, held_);
  }
  std::string model() const override { return "generic"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3 && function != 4) return ex_illegal_function;
    const Words image = registers(function == 3 ? modbus::Function::read_holding : modbus::Function::read_input);
    for (std::uint32_t a = address; a < std::uint32_t{address} + count; ++a) {
      auto it = image.find(static_cast<std::uint16_t>(a));
      if (it == image.end()) return ex_illegal_address;
      out.push_back(it->second);
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!held_.contains(static_cast<std::uint16_t>(address + i))) return ex_illegal_address;
    Words next = held_;
    for (std::size_t i = 0; i < values.size(); ++i) next[static_cast<std::uint16_t>(address + i)] = values[i];
    const double sp = value_of("current_setpoint", next, 0);
    if (!std::isfinite(sp) || sp < 0 || (sp > 0 && sp < 6) || sp > 80) return ex_illegal_value;
    held_ = std::move(next);
    return 0;
  }

  bool watchdog_expired(double) const override { return false; }

 protected:
  Drive allowance(double) const override {
    if (table_.contains("enable") && value_of("enable", held_, 1) == 0) return {0.0, config_.phases};
    return {std::min(value_of("current_setpoint", held_, 0), config_.max_current), config_.phases};
  }

 private:
  // The writable entries live in `held` (holding registers only).
  void put(const std::string& key, double value, Words& into) const {
    auto it = table_.find(key);
    if (it == table_.end()) return;
    const auto w = lay_out(it->second, value);
    for (std::size_t i = 0; i < w.size(); ++i) into[static_cast<std::uint16_t>(it->second.address + i)] = w[i];
  }
  double value_of(const std::string& key, const Words& from, double absent) const {
    auto it = table_.find(key);
    if (it == table_.end()) return absent;
    std::vector<std::uint16_t> w;
    for (int i = 0; i < words_of(it->second.type); ++i) w.push_back(from.at(static_cast<std::uint16_t>(it->second.address + i)));
    return read_back(it->second, w);
  }

  Words registers(modbus::Function f) const {
    Words measured;
    put("status", !state_.plugged ? 0 : state_.charging ? 2 : 1, measured);
    put("current_l1", state_.amps[0], measured);
    put("current_l2", state_.amps[1], measured);
    put("current_l3", state_.amps[2], measured);
    put("power", state_.power_w, measured);
    put("energy", state_.total_kwh * 1000, measured);
    Words w;
    for (const auto& [key, spec] : table_) {
      if (spec.function != f) continue;
      const Words& from = key == "current_setpoint" || key == "enable" ? held_ : measured;
      for (int i = 0; i < words_of(spec.type); ++i) {
        const auto a = static_cast<std::uint16_t>(spec.address + i);
        w[a] = from.at(a);
      }
    }
    return w;
  }

  config::GenericChargerTable table_;
  Words held_;
};

}  // namespace

std::unique_ptr<SimCharger> make_generic_charger(const config::Charger& c, std::string& error) {
  if (!c.generic || !c.generic->contains("current_setpoint")) {
    error = "charger " + c.id + ": a generic charger needs a registers table with current_setpoint";
    return nullptr;
  }
  for (const auto& [key, spec] : *c.generic) {
    if (spec.function != modbus::Function::read_holding && spec.function != modbus::Function::read_input) {
      error = "charger " + c.id + ": registers." + key + ": only holding and input registers are simulated";
      return nullptr;
    }
  }
  return std::make_unique<GenericCharger>(c);
}

}  // namespace ampgate::sim
