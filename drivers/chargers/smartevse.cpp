#include "drivers/chargers/smartevse.h"

#include <algorithm>
#include <cmath>

namespace ampgate::drivers {

using chargers::name_of;
using chargers::s16_of;
using modbus::Function;
using modbus::Priority;

namespace {
namespace reg {
constexpr std::uint16_t status = 0x0000, status_len = 12;  // 0x0000..0x000B
constexpr std::uint16_t state = 0x0000, errors = 0x0001, current = 0x0002, mode = 0x0003, solar_timer = 0x0004;
constexpr std::uint16_t access = 0x0005, max_current = 0x0007, temperature = 0x000A, serial = 0x000B;
constexpr std::uint16_t node = 0x0100, node_len = 4;  // socket/cable, lock type, MIN, MAX
// System configuration, read from MAINS (0x0204) to MAX TEMP (0x0219): 22 registers, the
// most one read may ask for. CONTACT 2 (0x0218) is the C2 contactor behaviour: 0 not
// present, 1 always off (one phase), 2 solar off, 3 always on (three phases), 4 auto.
constexpr std::uint16_t sys = 0x0204, sys_len = 22;
constexpr std::uint16_t mains = 0x0204, contact2 = 0x0218, max_temp = 0x0219;
}  // namespace reg

constexpr std::uint16_t c2_always_off = 1, c2_always_on = 3, c2_auto = 4;

constexpr double device_min_amps = 6.0, device_max_amps = 80.0;
constexpr std::uint16_t access_on = 1, access_pause = 2;

const std::vector<std::string>& state_names() {
  static const std::vector<std::string> n = {
      "A",         "B",          "C",  "D",  "COMM_B", "COMM_B_OK", "COMM_C", "COMM_C_OK", "activation",
      "B1",        "C1",         "modem_request", "modem_wait", "modem_done", "modem_denied"};
  return n;
}

IecState iec_of(std::uint16_t v) {
  switch (v) {
    case 0: return IecState::A;
    case 2:
    case 10: return IecState::C;  // C1: the vehicle still in C while the EVSE stops
    case 3: return IecState::D;
    default: return v <= 14 ? IecState::B : IecState::unknown;  // connected, not drawing
  }
}

// Register 0x0001. LESS_6A is a condition, not a fault: the site simply lacks current.
const std::vector<std::string>& flag_names() {
  static const std::vector<std::string> n = {"less_than_6a", "mains_meter_no_comm", "temperature_high",
                                             "ev_meter_no_comm", "rcm_tripped", "rcm_test", "test_io",
                                             "bootloader_flash"};
  return n;
}
constexpr std::uint16_t warning_bits = 0x0001 | 0x0020;  // LESS_6A, RCM_TEST

const std::vector<std::string>& access_names() {
  static const std::vector<std::string> n = {"off", "on", "pause"};
  return n;
}
const std::vector<std::string>& mode_names() {
  static const std::vector<std::string> n = {"normal", "smart", "solar"};
  return n;
}
const std::vector<std::string>& lock_names() {
  static const std::vector<std::string> n = {"none", "solenoid", "motor"};
  return n;
}
}  // namespace

std::vector<modbus::Request> SmartEvse::poll(PollLevel level) const {
  std::vector<modbus::Request> out{read(Function::read_holding, reg::status, reg::status_len, Priority::status, "status")};
  if (level == PollLevel::slow) {
    out.push_back(read(Function::read_holding, reg::node, reg::node_len, Priority::telemetry, "node config"));
    if (settings_.phases == 3)
      out.push_back(read(Function::read_holding, reg::sys, reg::sys_len, Priority::telemetry, "system config"));
  }
  return out;
}

Capabilities SmartEvse::capabilities() const {
  Capabilities c;
  c.min_current = std::max({settings_.min_current, device_min_amps, detail_.config_min_current.value_or(0.0)});
  c.max_current = std::min(settings_.max_current, device_max_amps);
  if (detail_.max_current && *detail_.max_current >= device_min_amps)
    c.max_current = std::min(c.max_current, *detail_.max_current);
  c.phases = settings_.phases;
  // The 11 s timer runs only in Smart and Solar mode (it guards the mains measurement that
  // writing 0x0002 stands in for); in Normal mode, or before the mode is read, a silent
  // gateway leaves the last current in force.
  c.has_watchdog = detail_.mode && (*detail_.mode == mode_names()[1] || *detail_.mode == mode_names()[2]);
  c.watchdog_programmable = false;
  c.fixed_watchdog_timeout = fixed_watchdog_s;
  c.failsafe_current = 0.0;
  c.can_pause = true;  // access = pause keeps the car connected and the session open
  // C2 is taken over only when the block read looks like the layout the offsets come from
  // (MAINS 10..200 A, MAX TEMP 40..75 °C) and C2 is fitted and set to a fixed choice.
  c.can_switch_phases = settings_.phases == 3 && detail_.contactor2 &&
                        (*detail_.contactor2 == c2_always_off || *detail_.contactor2 == c2_always_on);
  return c;
}

void SmartEvse::decode(const modbus::Request& rq, const std::vector<std::uint16_t>& r) {
  auto& s = state_;
  auto& d = detail_;
  if (rq.tag == "node config") {
    s.info["cable_lock"] = name_of(lock_names(), r[1], "lock type");
    d.config_min_current = r[2];
    d.config_max_current = r[3];
    return;
  }
  if (rq.tag == "system config") {
    const auto at = [&](std::uint16_t address) { return r[address - reg::sys]; };
    const bool layout = at(reg::mains) >= 10 && at(reg::mains) <= 200 && at(reg::max_temp) >= 40 &&
                        at(reg::max_temp) <= 75 && at(reg::contact2) <= c2_auto;
    d.contactor2.reset();
    s.active_phases.reset();
    if (!layout) return;
    d.contactor2 = at(reg::contact2);
    if (*d.contactor2 == c2_always_off) s.active_phases = 1;
    else if (*d.contactor2 == c2_always_on) s.active_phases = 3;
    return;
  }
  if (rq.tag != "status") return;
  const auto st = r[reg::state];
  d.state = name_of(state_names(), st, "state");
  d.access = name_of(access_names(), r[reg::access], "access");
  d.mode = name_of(mode_names(), r[reg::mode], "mode");
  d.balanced_current = r[reg::current] / 10.0;
  d.max_current = r[reg::max_current];
  d.solar_timer_s = r[reg::solar_timer];
  s.iec = iec_of(st);
  s.charging = st == 2 || st == 3;
  s.vendor_state = *d.state;
  s.current_limit = *d.balanced_current;
  s.temperature = s16_of(r[reg::temperature]);
  s.info["serial"] = std::to_string(r[reg::serial]);
  const auto flags = r[reg::errors];
  s.errors = chargers::flags_of(flags & ~warning_bits, flag_names(), "error");
  s.warnings = chargers::flags_of(flags & warning_bits, flag_names(), "error");
  // Per-phase currents, power and energy are not in this block (0x0009 is not implemented by
  // the firmware): they stay empty rather than zero.
}

void SmartEvse::clear(const modbus::Request& rq) {
  auto& s = state_;
  if (rq.tag == "node config") {
    detail_.config_min_current.reset();
    detail_.config_max_current.reset();
    return;
  }
  if (rq.tag == "system config") {
    detail_.contactor2.reset();
    s.active_phases.reset();
    return;
  }
  if (rq.tag != "status") return;
  const auto min = detail_.config_min_current, max = detail_.config_max_current;
  const auto c2 = detail_.contactor2;
  detail_ = SmartEvseDetail{};
  detail_.config_min_current = min;
  detail_.config_max_current = max;
  detail_.contactor2 = c2;
  s.iec = IecState::unknown;
  s.charging.reset();
  s.vendor_state.clear();
  s.current_limit.reset();
  s.temperature.reset();
  s.errors.clear();
  s.warnings.clear();
}

CommandResult SmartEvse::set_current(double amps) {
  if (auto e = chargers::check_setpoint(amps, capabilities(), model()); !e.empty()) return CommandResult::fail(e);
  last_setpoint_ = static_cast<std::uint16_t>(std::floor(amps * 10.0 + 1e-9));
  return {{write(reg::current, {*last_setpoint_}, "set current")}, {}};
}

CommandResult SmartEvse::set_phases(int phases) {
  if (phases != 1 && phases != 3) return CommandResult::fail(model() + ": phases must be 1 or 3");
  if (!capabilities().can_switch_phases)
    return CommandResult::fail(model() + ": phase switching needs a fitted C2 contactor set to 'Always On' or "
                                         "'Always Off' (CONTACT 2 read from register 0x0218) on a 3-phase install");
  // Through plan_phase_switch(): C2 must not switch under load.
  return {{write(reg::contact2, {phases == 3 ? c2_always_on : c2_always_off}, "set phases")}, {}};
}

CommandResult SmartEvse::start() { return {{write(reg::access, {access_on}, "start")}, {}}; }
CommandResult SmartEvse::stop() { return {{write(reg::access, {access_pause}, "stop")}, {}}; }

CommandResult SmartEvse::authorize() {
  return CommandResult::fail(model() + ": authorization is not available over Modbus (use start())");
}

CommandResult SmartEvse::program_watchdog(double, double) {
  return CommandResult::fail(model() + ": the watchdog is fixed at 11 s and stops charging (failsafe 0 A); "
                                       "it cannot be programmed");
}

CommandResult SmartEvse::keep_alive() {
  // Writing the override current re-arms the 11 s communication timer.
  if (!last_setpoint_) return CommandResult::fail(model() + ": no setpoint written yet to repeat as keep-alive");
  return {{write(reg::current, {*last_setpoint_}, "keep alive")}, {}};
}

}  // namespace ampgate::drivers
