// SmartEVSE v3 over Modbus RTU, as a standalone unit (address 1 in the field): every
// register is a 16-bit word, FC3 and FC4 read the same data (at most 22 per request), FC6
// and FC16 write. Status block 0x0000-0x000B, node configuration 0x0100-0x0109, system
// configuration 0x0200-0x0209, and the master's broadcast area 0x0020-0x002A (accepted,
// no effect on a standalone unit). Written from the firmware's register description,
// independently of drivers/chargers/smartevse.*.
//
// Communication timer: in Smart or Solar mode the unit stops charging (error CT_NOCOMM)
// when no override current (0x0002) was written for 11 s; in Normal mode there is none.
#include <algorithm>
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

constexpr std::uint16_t max_read = 22;
constexpr double comm_timeout_s = 11.0;

// Status block.
constexpr std::uint16_t st_state = 0x0000, st_errors = 0x0001, st_override = 0x0002, st_mode = 0x0003;
constexpr std::uint16_t st_solar_timer = 0x0004, st_access = 0x0005, st_config_changed = 0x0006;
constexpr std::uint16_t st_max_current = 0x0007, st_last = 0x000B;
// Broadcast area a master writes to its nodes.
constexpr std::uint16_t bc_first = 0x0020, bc_last = 0x002A;
// Node configuration and system configuration.
constexpr std::uint16_t node_first = 0x0100, node_min = 0x0102, node_max = 0x0103, node_last = 0x0109;
constexpr std::uint16_t sys_first = 0x0200, sys_mode = 0x0200, sys_last = 0x0209;

// IEC states as this firmware numbers them.
constexpr std::uint16_t state_a = 0, state_b = 1, state_c = 2;
// Error flags.
constexpr std::uint16_t err_less_6a = 1, err_ct_nocomm = 2;

enum : std::uint16_t { mode_normal = 0, mode_smart = 1, mode_solar = 2 };
enum : std::uint16_t { access_off = 0, access_on = 1, access_pause = 2 };

class SmartEvse final : public SimCharger {
 public:
  explicit SmartEvse(const config::Charger& c) : SimCharger(c) {
    max_a_ = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 80L));
    // Driven by an energy manager: Smart mode, so the communication timer runs.
    rw_[st_state] = 0;  // state and error flags take a write but show the unit's own
    rw_[st_errors] = 0;
    rw_[st_mode] = mode_smart;
    rw_[st_override] = 0;  // no override: the unit gives its MAX current
    rw_[st_solar_timer] = 0;
    rw_[st_access] = access_on;
    rw_[st_config_changed] = 0;
    for (std::uint16_t a = bc_first; a <= bc_last; ++a) rw_[a] = 0;
    for (std::uint16_t a = node_first; a <= node_last; ++a) rw_[a] = 0;
    rw_[node_min] = 6;
    rw_[node_max] = max_a_;
    for (std::uint16_t a = sys_first; a <= sys_last; ++a) rw_[a] = 0;
    rw_[sys_mode] = mode_smart;
  }
  std::string model() const override { return "smartevse"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3 && function != 4) return ex_illegal_function;
    if (count > max_read) return ex_illegal_value;
    const Words image = registers();
    for (std::uint32_t a = address; a < std::uint32_t{address} + count; ++a) {
      auto it = image.find(static_cast<std::uint16_t>(a));
      if (it == image.end()) return ex_illegal_address;
      out.push_back(it->second);
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double now) override {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint32_t>(address + i);
      if (a > 0xFFFF || !rw_.contains(static_cast<std::uint16_t>(a))) return ex_illegal_address;
      if (!valid(static_cast<std::uint16_t>(a), values[i])) return ex_illegal_value;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      rw_[a] = values[i];
      if (a == st_override) last_override_ = now;
      if (a == sys_mode) rw_[st_mode] = values[i];
      if (a == st_mode) rw_[sys_mode] = values[i];
    }
    return 0;
  }

  bool watchdog_expired(double now) const override {
    const auto mode = rw_.at(st_mode);
    if (mode != mode_smart && mode != mode_solar) return false;
    return silent_longer_than(now, last_override_, comm_timeout_s);
  }

  Drive drive(double now) const override {
    if (rw_.at(st_access) != access_on || watchdog_expired(now)) return {0.0, config_.phases};
    return {balanced(), config_.phases};
  }

 protected:
  void on_valid_request(bool is_write, double now) override {
    // A fresh unit counts its timer from power-on (booted() passes here before any request).
    if (is_write && requests() == 0) last_override_ = now;
  }

 private:
  bool valid(std::uint16_t a, std::uint16_t v) const {
    switch (a) {
      case st_override: return v == 0 || (v >= 60 && v <= 800);
      case st_mode:
      case sys_mode: return v <= mode_solar;
      case st_access: return v <= access_pause;
      case node_min:
      case node_max: return v >= 6 && v <= 80;
      default: return true;
    }
  }

  // The current the unit offers the car, in A: the override when set, else its MAX.
  double balanced() const {
    const double max = std::min<double>(max_a_, std::max<double>(rw_.at(node_min), rw_.at(node_max)));
    const auto o = rw_.at(st_override);
    return o == 0 ? max : std::min(o / 10.0, max);
  }

  Words registers() const {
    Words w = rw_;
    const double now = state_.time;
    const Drive d = drive(now);
    std::uint16_t errors = 0;
    if (watchdog_expired(now)) errors |= err_ct_nocomm;
    if (state_.plugged && rw_.at(st_access) == access_on && !watchdog_expired(now) && d.limit < 6) errors |= err_less_6a;
    w[st_state] = !state_.plugged ? state_a : state_.charging ? state_c : state_b;
    w[st_errors] = errors;
    w[st_override] = clamp_u16(d.limit * 10);  // read back: the balanced current
    w[st_max_current] = max_a_;
    w[0x0008] = 0;  // number of phases: not implemented by the firmware
    w[0x0009] = 0;  // real charging current: not implemented either
    w[0x000A] = 31;  // temperature, °C
    w[st_last] = static_cast<std::uint16_t>(10000 + config_.unit);  // serial number
    return w;
  }

  std::uint16_t max_a_ = 16;
  Words rw_;
  double last_override_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_smartevse(const config::Charger& c) { return std::make_unique<SmartEvse>(c); }

}  // namespace ampgate::sim
