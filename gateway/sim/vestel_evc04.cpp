// Vestel EVC04 over Modbus TCP, from the EVC04 Modbus TCP specification as the project's
// reference table summarises it: measurements and states as input registers (FC4; block
// reads over the input area are accepted and gaps read 0), control as holding registers
// (FC3 read, FC6/FC16 write): phase selection 405, failsafe current 2000 and timeout 2002,
// dynamic current 5004 (0 = pause), alive register 6000. Setting `keepalive`: whether any
// write feeds the failsafe timer or only the alive register does.
#include <algorithm>
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

enum Holding : std::uint16_t { phases_reg = 405, failsafe_a = 2000, failsafe_s = 2002, dynamic_a = 5004, alive = 6000 };

bool off_or_amps(std::uint16_t v) { return v == 0 || (v >= 6 && v <= 32); }

class VestelEvc04 final : public SimCharger {
 public:
  VestelEvc04(const config::Charger& c, bool alive_only) : SimCharger(c), alive_only_(alive_only) {
    max_a_ = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 32L));
    holding_[phases_reg] = c.phases == 3 ? 1 : 0;
    holding_[failsafe_a] = 6;  // the specification gives no default: 6 A, the IEC minimum
    holding_[failsafe_s] = 0;  // failsafe off until configured
    holding_[dynamic_a] = max_a_;
    holding_[alive] = 0;
  }
  std::string model() const override { return "vestel_evc04"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function == 3) {
      for (int a = address; a < address + count; ++a) {
        const auto r = static_cast<std::uint16_t>(a);
        if (!holding_.contains(r)) return ex_illegal_address;
        out.push_back(r == alive ? 0 : holding_.at(r));  // the charger clears the alive bit
      }
      return 0;
    }
    if (function != 4) return ex_illegal_function;
    if (address < 100 || address + count > 1600) return ex_illegal_address;
    const Words w = inputs();
    for (int a = address; a < address + count; ++a) {
      auto it = w.find(static_cast<std::uint16_t>(a));
      out.push_back(it == w.end() ? 0 : it->second);
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double now) override {
    bool feeds = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      const auto v = values[i];
      if (!holding_.contains(a)) return ex_illegal_address;
      const bool ok = a == phases_reg ? v <= 1
                    : a == failsafe_a || a == dynamic_a ? off_or_amps(v)
                    : a == alive ? v <= 1
                    : true;
      if (!ok) return ex_illegal_value;
      feeds = feeds || !alive_only_ || (a == alive && v == 1);
    }
    for (std::size_t i = 0; i < values.size(); ++i) holding_[static_cast<std::uint16_t>(address + i)] = values[i];
    if (feeds) last_keepalive_ = now;
    return 0;
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_keepalive_, holding_.at(failsafe_s));
  }

 protected:
  Drive allowance(double now) const override {
    const double a = watchdog_expired(now) ? holding_.at(failsafe_a) : holding_.at(dynamic_a);
    const bool three = holding_.at(phases_reg) == 1 && config_.phases == 3;
    return {std::min<double>(a, max_a_), three ? 3 : 1};
  }
  bool supports(std::uint8_t function) const override { return function == 3 || function == 4 || function == 6 || function == 16; }

 private:
  Words inputs() const {
    Words w;
    const double allowed = drive(state_.time).limit;
    put_string(w, 100, "SIM" + config_.id, 25);
    put_string(w, 190, "Vestel", 10);
    put_string(w, 210, "EVC04", 5);
    put_string(w, 230, "v3.187.0", 50);
    put_u32_be(w, 400, clamp_u32(max_a_ * state_.voltage * config_.phases));
    w[404] = config_.phases == 3 ? 1 : 0;
    // 0 Available, 1 Preparing, 2 Charging, 3 SuspendedEVSE (the charger gives < 6 A),
    // 4 SuspendedEV (allowed, but the car does not draw).
    std::uint16_t cp_state = 0;
    if (state_.plugged) cp_state = state_.charging ? 2 : allowed < 6 ? 3 : state_.session_seconds > 0 || state_.finished ? 4 : 1;
    w[1000] = cp_state;
    w[1001] = state_.charging ? 1 : 0;
    w[1002] = 1;  // running
    w[1004] = state_.plugged ? 3 : 0;
    put_u32_be(w, 1006, 0);
    for (int p = 0; p < 3; ++p) {
      w[static_cast<std::uint16_t>(1008 + 2 * p)] = clamp_u16(state_.amps[p] * 1000);
      w[static_cast<std::uint16_t>(1014 + 2 * p)] = p < config_.phases ? clamp_u16(state_.voltage) : 0;
      put_u32_be(w, static_cast<std::uint16_t>(1024 + 4 * p), clamp_u32(state_.amps[p] * state_.voltage));
    }
    put_u32_be(w, 1020, clamp_u32(state_.power_w));
    put_u32_be(w, 1036, clamp_u32(state_.total_kwh * 10));
    w[1100] = clamp_u16(allowed);
    w[1102] = 6;
    w[1104] = max_a_;
    w[1106] = 32;
    put_u32_be(w, 1502, clamp_u32(state_.session_kwh * 1000));
    put_u32_be(w, 1508, clamp_u32(state_.plugged ? state_.plugged_seconds : 0));
    return w;
  }

  bool alive_only_;
  std::uint16_t max_a_ = 16;
  Words holding_;
  double last_keepalive_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_vestel_evc04(const config::Charger& c, const ModelSettings& s, std::string& error) {
  check_setting_keys(s, "vestel_evc04", {"keepalive"}, error);
  const bool alive_only = setting(s, "keepalive", {"any_write", "alive_register"}, error) == "alive_register";
  if (!error.empty()) {
    error = "charger " + c.id + ": " + error;
    return nullptr;
  }
  return std::make_unique<VestelEvc04>(c, alive_only);
}

}  // namespace ampgate::sim
