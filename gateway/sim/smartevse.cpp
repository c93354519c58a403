// SmartEVSE v3 over Modbus RTU as a standalone unit (address 1 in the field), from the
// register description in the project's reference table (firmware register blocks):
// 16-bit words, FC3 and FC4 read the same data (at most 22 per request), FC6 and FC16
// write. Status block 0x0000-0x000B, node configuration 0x0100-0x0109, system
// configuration 0x0200-0x0209; the master's broadcast area 0x0020-0x002A takes writes
// (no effect on a standalone unit) and is not readable.
//
// Communication timer: in Smart or Solar mode the unit stops charging (error CT_NOCOMM)
// when no mains measurement came for 11 s; an EMS feeds it by writing the override
// current 0x0002. Normal mode has no timer. Pausing is access 0x0005 = 2 (PAUSE); an
// override of 0 means "no override", not 0 A. Setting `mode`: the power-on mode.
//
// Setting `contact2`: the reference names the second contactor (C2, seed 000: switches two
// of three phases off) only as a menu/REST setting. `menu_only` (default) takes that
// reading: the system block ends at 0x0209 and C2 cannot be set over Modbus. The other
// reading, `register_0x0218`, takes the firmware's menu order as register offsets: the
// block runs on to 0x0219 with CONTACT 2 at 0x0218 (0 not present, 1 always off = one
// phase, 2 solar off, 3 always on, 4 auto) and MAX TEMP at 0x0219. Unverified; the model
// starts at "always on" and charges on one phase while C2 is off.
#include <algorithm>
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

constexpr std::uint16_t max_read = 22;
constexpr double comm_timeout_s = 11.0;

enum : std::uint16_t {
  st_state = 0x0000, st_errors = 0x0001, st_override = 0x0002, st_mode = 0x0003, st_solar_timer = 0x0004,
  st_access = 0x0005, st_config_changed = 0x0006, st_max_current = 0x0007, st_phases = 0x0008,
  st_real_current = 0x0009, st_temperature = 0x000A, st_serial = 0x000B,
  bc_first = 0x0020, bc_last = 0x002A,
  node_first = 0x0100, node_min = 0x0102, node_max = 0x0103, node_load_balance = 0x0104, node_last = 0x0109,
  sys_first = 0x0200, sys_mode = 0x0200, sys_last = 0x0209,
  sys_contact2 = 0x0218, sys_max_temp = 0x0219,
};
enum : std::uint16_t { c2_not_present = 0, c2_always_off = 1, c2_solar_off = 2, c2_always_on = 3, c2_auto = 4 };
enum : std::uint16_t { state_a = 0, state_b = 1, state_c = 2, state_b1 = 9 };
enum : std::uint16_t { err_less_6a = 1, err_ct_nocomm = 2 };
enum : std::uint16_t { mode_normal = 0, mode_smart = 1, mode_solar = 2 };
enum : std::uint16_t { access_off = 0, access_on = 1, access_pause = 2 };

bool in(std::uint16_t a, std::uint16_t first, std::uint16_t last) { return a >= first && a <= last; }

class SmartEvse final : public SimCharger {
 public:
  SmartEvse(const config::Charger& c, std::uint16_t mode, bool contact2_register)
      : SimCharger(c), sys_end_(contact2_register ? sys_max_temp : sys_last) {
    const auto max = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 80L));
    rw_[st_override] = 0;
    rw_[st_mode] = mode;
    rw_[st_solar_timer] = 0;
    rw_[st_access] = access_on;
    rw_[st_config_changed] = 0;
    for (std::uint16_t a = node_first; a <= node_last; ++a) rw_[a] = 0;
    rw_[node_min] = 6;
    rw_[node_max] = max;
    for (std::uint16_t a = sys_first; a <= sys_end_; ++a) rw_[a] = 0;
    if (contact2_register) {
      rw_[sys_contact2] = c.phases == 3 ? c2_always_on : c2_not_present;
      rw_[sys_max_temp] = 65;
    }
    rw_[sys_mode] = mode;
    rw_[0x0201] = max;  // circuit max current
    rw_[0x0204] = 25;   // max mains current
  }
  std::string model() const override { return "smartevse"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3 && function != 4) return ex_illegal_function;
    if (count > max_read) return ex_illegal_value;
    const int end = address + count - 1;
    const bool ok = (address <= st_serial && end <= st_serial) || (in(address, node_first, node_last) && end <= node_last) ||
                    (in(address, sys_first, sys_end_) && end <= sys_end_);
    if (!ok) return ex_illegal_address;
    const Words w = registers();
    for (int a = address; a <= end; ++a) out.push_back(w.at(static_cast<std::uint16_t>(a)));
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double now) override {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      if (auto code = check(a, values[i]); code != 0) return code;
    }
    bool override_written = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      if (in(a, bc_first, bc_last) || a == st_state || a == st_errors) continue;  // no effect standalone
      rw_[a] = values[i];
      if (a == st_mode) rw_[sys_mode] = values[i];
      if (a == sys_mode) rw_[st_mode] = values[i];
      override_written = override_written || a == st_override;
    }
    if (override_written) last_override_ = now;
    return 0;
  }

  bool watchdog_expired(double now) const override {
    return rw_.at(st_mode) != mode_normal && silent_longer_than(now, last_override_, comm_timeout_s);
  }

 protected:
  Drive allowance(double now) const override {
    if (rw_.at(st_access) != access_on || watchdog_expired(now)) return {0.0, phases()};
    double amps = max_current();
    if (rw_.at(st_override) != 0) amps = std::min(amps, rw_.at(st_override) / 10.0);
    return {amps, phases()};
  }

 private:
  double max_current() const { return std::min<double>(rw_.at(node_max), config_.max_current); }
  // C2 off leaves the car one phase (the charger's L1).
  int phases() const {
    if (sys_end_ != sys_max_temp || config_.phases != 3) return config_.phases;
    const auto c2 = rw_.at(sys_contact2);
    return c2 == c2_always_off || (c2 == c2_solar_off && rw_.at(st_mode) == mode_solar) ? 1 : 3;
  }

  std::uint8_t check(std::uint16_t a, std::uint16_t v) const {
    if (in(a, bc_first, bc_last)) return 0;
    const bool known = a <= st_config_changed || in(a, node_first, node_last) || in(a, sys_first, sys_end_);
    if (!known) return ex_illegal_address;
    switch (a) {
      case st_override: return v == 0 || (v >= 60 && v <= 800) ? 0 : ex_illegal_value;
      case st_mode:
      case sys_mode: return v <= mode_solar ? 0 : ex_illegal_value;
      case st_access: return v <= access_pause ? 0 : ex_illegal_value;
      case node_min:
      case node_max: return v >= 6 && v <= 80 ? 0 : ex_illegal_value;
      case node_load_balance: return v == 0 ? 0 : ex_illegal_value;  // a standalone unit stays standalone
      case sys_contact2: return v <= c2_auto ? 0 : ex_illegal_value;
      default: return 0;
    }
  }

  Words registers() const {
    Words w = rw_;
    const double now = state_.time;
    const Drive d = drive(now);
    std::uint16_t state = state_a;
    if (state_.plugged) state = state_.charging ? state_c : d.limit < 6 ? state_b1 : state_b;
    w[st_state] = state;
    std::uint16_t errors = 0;
    if (watchdog_expired(now)) errors |= err_ct_nocomm;
    if (state_.plugged && rw_.at(st_access) == access_on && !watchdog_expired(now) && d.limit < 6) errors |= err_less_6a;
    w[st_errors] = errors;
    w[st_override] = clamp_u16(d.limit * 10);  // read back: what the car is offered now
    w[st_max_current] = clamp_u16(max_current());
    w[st_phases] = 0;        // not implemented by the firmware
    w[st_real_current] = 0;  // not implemented by the firmware
    w[st_temperature] = 31;
    w[st_serial] = static_cast<std::uint16_t>(10000 + unit());
    return w;
  }

  const std::uint16_t sys_end_;  // the last system-block register this reading has
  Words rw_;
  double last_override_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_smartevse(const config::Charger& c, const ModelSettings& s, std::string& error) {
  check_setting_keys(s, "smartevse", {"mode", "contact2"}, error);
  const auto m = setting(s, "mode", {"smart", "normal", "solar"}, error);
  const bool c2 = setting(s, "contact2", {"menu_only", "register_0x0218"}, error) == "register_0x0218";
  if (!error.empty()) {
    error = "charger " + c.id + ": " + error;
    return nullptr;
  }
  return std::make_unique<SmartEvse>(c, m == "normal" ? mode_normal : m == "solar" ? mode_solar : mode_smart, c2);
}

}  // namespace ampgate::sim
