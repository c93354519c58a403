#include "drivers/chargers/vestel_evc04.h"

#include <algorithm>
#include <cmath>

namespace ampgate::drivers {

using chargers::name_of;
using chargers::u32_of;
using modbus::Function;
using modbus::Priority;

namespace {
namespace reg {
constexpr std::uint16_t serial = 100, serial_len = 25;                 // FC4 string
constexpr std::uint16_t phases = 404;                                  // FC4
constexpr std::uint16_t phase_selection = 405;                         // FC3/FC6
constexpr std::uint16_t live = 1000, live_len = 38;                    // FC4 1000..1037
constexpr std::uint16_t limits = 1100, limits_len = 7;                 // FC4 1100..1106
constexpr std::uint16_t session = 1502, session_len = 8;               // FC4 1502..1509
constexpr std::uint16_t failsafe = 2000, failsafe_timeout = 2002;      // FC3, read one by one
constexpr std::uint16_t set_current = 5004, alive = 6000;              // FC6
}  // namespace reg

constexpr double device_min_amps = 6.0, device_max_amps = 32.0;

const std::vector<std::string>& charge_point_names() {
  static const std::vector<std::string> n = {"available", "preparing",   "charging", "suspended_evse", "suspended_ev",
                                             "finishing", "reserved",    "unavailable", "faulted"};
  return n;
}
const std::vector<std::string>& equipment_names() {
  static const std::vector<std::string> n = {"initialising", "running", "fault", "disabled", "updating"};
  return n;
}
const std::vector<std::string>& cable_names() {
  static const std::vector<std::string> n = {"no_cable", "cable_no_vehicle", "vehicle_connected",
                                             "vehicle_connected_locked"};
  return n;
}

// One character per register, low byte; stops at the first NUL.
std::string string_of(const std::vector<std::uint16_t>& r) {
  std::string s;
  for (auto w : r) {
    const char c = static_cast<char>(w & 0xff);
    if (c == 0) break;
    s.push_back(c);
  }
  return s;
}
}  // namespace

std::vector<modbus::Request> VestelEvc04::poll(PollLevel level) const {
  std::vector<modbus::Request> out{read(Function::read_input, reg::live, reg::live_len, Priority::status, "live")};
  if (level == PollLevel::fast) return out;
  out.push_back(read(Function::read_input, reg::limits, reg::limits_len, Priority::telemetry, "limits"));
  out.push_back(read(Function::read_input, reg::session, reg::session_len, Priority::telemetry, "session"));
  out.push_back(read(Function::read_input, reg::phases, 1, Priority::telemetry, "phases"));
  // What the unit is set to use: the phase switch needs to know it before it pauses a car
  // for a switch that is not needed (the EVC04 reports no phase count of its own).
  out.push_back(read(Function::read_holding, reg::phase_selection, 1, Priority::telemetry, "phase selection"));
  // Separate reads: 2001 is not a register, and a block across the gap may be refused.
  out.push_back(read(Function::read_holding, reg::failsafe, 1, Priority::telemetry, "failsafe current"));
  out.push_back(read(Function::read_holding, reg::failsafe_timeout, 1, Priority::telemetry, "failsafe timeout"));
  out.push_back(read(Function::read_input, reg::serial, reg::serial_len, Priority::telemetry, "serial"));
  return out;
}

Capabilities VestelEvc04::capabilities() const {
  Capabilities c;
  c.min_current = std::max(settings_.min_current, device_min_amps);
  c.max_current = std::min(settings_.max_current, device_max_amps);
  if (detail_.evse_max_current && *detail_.evse_max_current >= device_min_amps)
    c.max_current = std::min(c.max_current, *detail_.evse_max_current);
  c.phases = settings_.phases;
  c.can_switch_phases = settings_.phases == 3 && detail_.three_phase_unit.value_or(false);
  c.has_watchdog = true;
  c.watchdog_programmable = true;
  c.failsafe_current = detail_.failsafe_current;
  c.watchdog_timeout = detail_.failsafe_timeout_s;
  return c;
}

void VestelEvc04::decode(const modbus::Request& rq, const std::vector<std::uint16_t>& r) {
  auto& d = detail_;
  if (rq.tag == "live") {
    decode_live(r);
  } else if (rq.tag == "limits") {
    d.session_max_current = r[0];
    d.evse_min_current = r[2];
    d.evse_max_current = r[4];
    d.cable_max_current = r[6];
  } else if (rq.tag == "session") {
    state_.session_energy = u32_of(r[0], r[1], false);
    d.session_duration_s = u32_of(r[6], r[7], false);
  } else if (rq.tag == "phases") {
    d.three_phase_unit = r[0] == 1;
  } else if (rq.tag == "phase selection") {
    // 0 one phase, 1 three; a one-phase unit uses one whatever the register holds.
    state_.active_phases = r[0] == 1 && d.three_phase_unit.value_or(true) ? 3 : 1;
  } else if (rq.tag == "failsafe current") {
    d.failsafe_current = r[0];
  } else if (rq.tag == "failsafe timeout") {
    d.failsafe_timeout_s = r[0];
  } else if (rq.tag == "serial") {
    state_.info["serial"] = string_of(r);
  }
}

void VestelEvc04::decode_live(const std::vector<std::uint16_t>& r) {
  auto at = [&](std::uint16_t address) { return r[address - reg::live]; };
  auto u32_at = [&](std::uint16_t address) { return u32_of(at(address), at(address + 1), false); };
  auto& s = state_;
  auto& d = detail_;
  const auto cp = at(1000), charging = at(1001), equipment = at(1002), cable = at(1004);
  d.charge_point_state = name_of(charge_point_names(), cp, "charge point state");
  d.equipment_state = name_of(equipment_names(), equipment, "equipment state");
  d.cable_state = name_of(cable_names(), cable, "cable state");
  d.fault_code = u32_at(1006);
  s.vendor_state = *d.charge_point_state;
  s.charging = charging == 1;
  if (cp == 8 || equipment == 2) s.iec = IecState::F;
  else if (cable < 2) s.iec = IecState::A;
  else if (charging == 1) s.iec = IecState::C;
  else s.iec = IecState::B;
  for (int i = 0; i < 3; ++i) {
    s.current[i] = at(1008 + 2 * i) / 1000.0;
    s.voltage[i] = at(1014 + 2 * i);
    d.phase_power[i] = u32_at(1024 + 4 * i);
  }
  s.power = u32_at(1020);
  s.lifetime_energy = u32_at(1036) * 100.0;  // 0.1 kWh
  s.errors.clear();
  if (*d.fault_code != 0) s.errors.push_back("fault_code_" + std::to_string(*d.fault_code));
  if (cp == 8) s.errors.push_back("faulted");
  if (equipment == 2) s.errors.push_back("equipment_fault");
}

void VestelEvc04::clear(const modbus::Request& rq) {
  auto& s = state_;
  auto& d = detail_;
  if (rq.tag == "live") {
    s.iec = IecState::unknown;
    s.charging.reset();
    s.current = {};
    s.voltage = {};
    s.power.reset();
    s.lifetime_energy.reset();
    s.errors.clear();
    s.vendor_state.clear();
    d.charge_point_state.reset();
    d.equipment_state.reset();
    d.cable_state.reset();
    d.fault_code.reset();
    d.phase_power = {};
  } else if (rq.tag == "limits") {
    d.session_max_current.reset();
    d.evse_min_current.reset();
    d.evse_max_current.reset();
    d.cable_max_current.reset();
  } else if (rq.tag == "session") {
    s.session_energy.reset();
    d.session_duration_s.reset();
  } else if (rq.tag == "phases") {
    d.three_phase_unit.reset();
  } else if (rq.tag == "phase selection") {
    s.active_phases.reset();
  } else if (rq.tag == "failsafe current") {
    d.failsafe_current.reset();
  } else if (rq.tag == "failsafe timeout") {
    d.failsafe_timeout_s.reset();
  }
}

CommandResult VestelEvc04::set_current(double amps) {
  const auto caps = capabilities();
  if (auto e = chargers::check_setpoint(amps, caps, model()); !e.empty()) return CommandResult::fail(e);
  const double whole = std::floor(amps);  // whole amperes; rounding down never exceeds the ask
  if (whole < caps.min_current)
    return CommandResult::fail(model() + ": takes whole amperes and " + chargers::format_amps(amps) +
                               " rounds down below the minimum");
  last_setpoint_ = static_cast<std::uint16_t>(whole);
  return {{write(reg::set_current, {*last_setpoint_}, "set current")}, {}};
}

CommandResult VestelEvc04::set_phases(int phases) {
  if (phases != 1 && phases != 3) return CommandResult::fail(model() + ": phases must be 1 or 3");
  if (!capabilities().can_switch_phases)
    return CommandResult::fail(model() + ": not a three-phase unit (register 404), or not read yet");
  return {{write(reg::phase_selection, {static_cast<std::uint16_t>(phases == 3 ? 1 : 0)}, "set phases")}, {}};
}

CommandResult VestelEvc04::start() {
  // The EVC04 has no separate enable: a non-zero current resumes. Without an earlier
  // setpoint, the minimum is the safe choice.
  const auto amps = last_setpoint_.value_or(static_cast<std::uint16_t>(std::ceil(capabilities().min_current)));
  return {{write(reg::set_current, {amps}, "start")}, {}};
}

CommandResult VestelEvc04::stop() { return {{write(reg::set_current, {0}, "stop")}, {}}; }

CommandResult VestelEvc04::authorize() {
  return CommandResult::fail(model() + ": authorization is not available over Modbus TCP");
}

CommandResult VestelEvc04::program_watchdog(double timeout_s, double failsafe_a) {
  if (!(timeout_s >= 1 && timeout_s <= 65535))
    return CommandResult::fail(model() + ": watchdog timeout must be at least 1 s");
  const auto caps = capabilities();
  if (!(failsafe_a == 0 || (failsafe_a >= device_min_amps && failsafe_a <= caps.max_current)))
    return CommandResult::fail(model() + ": failsafe current must be 0 or 6 A.." + chargers::format_amps(caps.max_current) +
                               ", not " + chargers::format_amps(failsafe_a));
  const auto f = static_cast<std::uint16_t>(std::floor(failsafe_a));
  const auto t = static_cast<std::uint16_t>(std::floor(timeout_s));
  return {{write(reg::failsafe, {f}, "failsafe current"), write(reg::failsafe_timeout, {t}, "failsafe timeout")}, {}};
}

CommandResult VestelEvc04::keep_alive() { return {{write(reg::alive, {1}, "alive")}, {}}; }

}  // namespace ampgate::drivers
