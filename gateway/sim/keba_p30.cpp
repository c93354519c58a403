// KEBA KeContact P30 over Modbus TCP (unit 255 in the field), from the KEBA programmers
// guide as the project's reference table summarises it: FC3 reads of exactly two registers
// (one u32, high word first) starting at a documented value, FC6 writes of one u16 value.
// Block reads, reads into the middle of a value and FC16 are refused, as the guide says the
// unit does. Settings: `energy_unit` (the guide's Wh or the field's 0.1 Wh) and
// `disable_ends_session` (whether 5014 = 0 ends the session or suspends it).
#include <algorithm>
#include <cmath>
#include <set>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

enum Write : std::uint16_t {
  set_current = 5004,
  energy_limit = 5010,
  unlock = 5012,
  enable = 5014,
  failsafe_current = 5016,
  failsafe_timeout = 5018,
  failsafe_persist = 5020,
  phase_source = 5050,
  phase_switch = 5052,
};
constexpr std::uint16_t modbus_source = 3;

bool valid_ma(std::uint16_t v) { return v >= 6000 && v <= 63000; }

class KebaP30 final : public SimCharger {
 public:
  KebaP30(const config::Charger& c, double energy_scale, bool disable_ends)
      : SimCharger(c), energy_scale_(energy_scale), disable_ends_(disable_ends) {
    max_ma_ = static_cast<std::uint32_t>(std::lround(std::clamp(c.max_current, 6.0, 63.0) * 1000));
    current_ma_ = max_ma_;  // "valid until reboot": power-on is the hardware maximum
    three_phase_ = c.phases == 3;
  }
  std::string model() const override { return "keba_p30"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3) return ex_illegal_function;
    const Words w = registers();
    // Only the first word of a documented value starts a read, and only of that value.
    if (count != 2 || !w.contains(address) || !starts_.contains(address)) return ex_illegal_address;
    out = {w.at(address), w.at(static_cast<std::uint16_t>(address + 1))};
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    if (values.size() != 1) return ex_illegal_function;
    const std::uint16_t v = values[0];
    switch (address) {
      case set_current:
        if (!valid_ma(v)) return ex_illegal_value;
        current_ma_ = v;
        return 0;
      case energy_limit:
        energy_limit_10wh_ = v;  // 0 = no limit
        return 0;
      case unlock:
        return 0;  // the plug is unlocked only when suspended; no lock is simulated
      case enable:
        if (v > 1) return ex_illegal_value;
        if (v == 0 && enabled_ && disable_ends_) end_session();
        enabled_ = v == 1;
        return 0;
      case failsafe_current:
        if (v != 0 && !valid_ma(v)) return ex_illegal_value;
        failsafe_ma_ = v;
        return 0;
      case failsafe_timeout:
        failsafe_timeout_ = v;  // seconds, 0 = off
        return 0;
      case failsafe_persist:
        return 0;  // accepted; a reboot here always comes back at the power-on values
      case phase_source:
        if (v > 4) return ex_illegal_value;
        source_ = v;
        return 0;
      case phase_switch:
        if (v > 1) return ex_illegal_value;
        if (source_ == modbus_source && config_.phases == 3) three_phase_ = v == 1;
        return 0;
      default:
        return ex_illegal_address;
    }
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_write_, failsafe_timeout_);
  }

 protected:
  Drive allowance(double now) const override {
    const int phases = three_phase_ ? config_.phases : 1;
    if (!enabled_ || energy_reached()) return {0.0, phases};
    const double ma = watchdog_expired(now) ? failsafe_ma_ : std::min<double>(current_ma_, max_ma_);
    return {ma / 1000.0, phases};
  }
  bool supports(std::uint8_t function) const override { return function == 3 || function == 6; }
  // The guide's keep-alive is a write (re-writing the failsafe timeout); reads do not count.
  void on_valid_request(bool is_write, double now) override {
    if (is_write) last_write_ = now;
  }
  void on_unplugged() override { energy_limit_10wh_ = 0; }

 private:
  bool energy_reached() const {
    return energy_limit_10wh_ > 0 && state_.session_kwh * 100 >= energy_limit_10wh_;
  }

  Words registers() const {
    Words w;
    const double now = state_.time;
    const double allowed = drive(now).limit;
    // 1 not ready (no car, or disabled), 2 ready and waiting for the car, 3 charging,
    // 5 interrupted / suspended (a car is in but the station gives it nothing).
    std::uint32_t charging_state = 1;
    if (state_.plugged) charging_state = state_.charging ? 3 : allowed >= 6 ? 2 : 5;
    put_u32_be(w, 1000, charging_state);
    put_u32_be(w, 1004, state_.plugged ? 7 : 0);  // cable at station and car, locked
    put_u32_be(w, 1006, 0);
    for (int p = 0; p < 3; ++p) {
      put_u32_be(w, static_cast<std::uint16_t>(1008 + 2 * p), clamp_u32(state_.amps[p] * 1000));
      put_u32_be(w, static_cast<std::uint16_t>(1040 + 2 * p), p < config_.phases ? clamp_u32(state_.voltage) : 0);
    }
    put_u32_be(w, 1014, 22334455);
    put_u32_be(w, 1016, 304111);
    put_u32_be(w, 1018, 0x030A0D00);  // 3.10.13
    put_u32_be(w, 1020, clamp_u32(state_.power_w * 1000));
    put_u32_be(w, 1036, clamp_u32(state_.total_kwh * 1000 * energy_scale_));
    put_u32_be(w, 1046, state_.charging ? 1000 : 0);
    put_u32_be(w, 1100, clamp_u32(allowed * 1000));
    put_u32_be(w, 1110, max_ma_);
    put_u32_be(w, 1500, 0);
    put_u32_be(w, 1502, clamp_u32(state_.session_kwh * 1000 * energy_scale_));
    put_u32_be(w, 1550, source_);
    put_u32_be(w, 1552, three_phase_ ? 1 : 0);
    put_u32_be(w, 1600, failsafe_ma_);
    put_u32_be(w, 1602, failsafe_timeout_);
    return w;
  }

  inline static const std::set<std::uint16_t> starts_{1000, 1004, 1006, 1008, 1010, 1012, 1014, 1016, 1018,
                                                     1020, 1036, 1040, 1042, 1044, 1046, 1100, 1110, 1500,
                                                     1502, 1550, 1552, 1600, 1602};
  double energy_scale_;  // register units per Wh
  bool disable_ends_;
  std::uint32_t max_ma_ = 16000;
  std::uint32_t current_ma_ = 16000;
  bool enabled_ = true;
  bool three_phase_ = true;
  std::uint16_t source_ = modbus_source;  // the installer chose Modbus as the switch source
  std::uint16_t energy_limit_10wh_ = 0;
  std::uint32_t failsafe_ma_ = 0;
  std::uint32_t failsafe_timeout_ = 0;  // off until configured
  double last_write_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_keba_p30(const config::Charger& c, const ModelSettings& s, std::string& error) {
  check_setting_keys(s, "keba_p30", {"energy_unit", "disable_ends_session"}, error);
  const double scale = setting(s, "energy_unit", {"0.1Wh", "Wh"}, error) == "Wh" ? 1.0 : 10.0;
  const bool ends = setting(s, "disable_ends_session", {"false", "true"}, error) == "true";
  if (!error.empty()) {
    error = "charger " + c.id + ": " + error;
    return nullptr;
  }
  return std::make_unique<KebaP30>(c, scale, ends);
}

}  // namespace ampgate::sim
