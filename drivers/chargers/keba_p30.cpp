#include "drivers/chargers/keba_p30.h"

#include <algorithm>
#include <cmath>

namespace ampgate::drivers {

using chargers::name_of;
using modbus::Function;
using modbus::Priority;

namespace {
// Read registers: each value is a u32, high word first, read on its own (the P30 refuses
// block reads across values).
namespace reg {
constexpr std::uint16_t charging_state = 1000, cable_state = 1004, error_code = 1006;
constexpr std::uint16_t current_l1 = 1008;  // mA; L2 = 1010, L3 = 1012
constexpr std::uint16_t serial = 1014, product = 1016, firmware = 1018;
constexpr std::uint16_t power = 1020;  // mW
constexpr std::uint16_t total_energy = 1036;
constexpr std::uint16_t voltage_l1 = 1040;  // V; L2 = 1042, L3 = 1044
constexpr std::uint16_t max_current = 1100, max_supported = 1110;  // mA
constexpr std::uint16_t session_energy = 1502;
constexpr std::uint16_t phase_switch_source = 1550, phase_switch_state = 1552;
constexpr std::uint16_t failsafe_current = 1600, failsafe_timeout = 1602;
// Write registers (FC6, u16).
constexpr std::uint16_t set_current = 5004, enable = 5014, set_failsafe_current = 5016, set_failsafe_timeout = 5018;
constexpr std::uint16_t trigger_phase_switch = 5052;  // 0 = 1 phase, 1 = 3 phases (needs a KeContact S10)
}  // namespace reg

// 0.1 Wh per count, as evcc reads it after field reports; the guide V1.02 says Wh. Unconfirmed.
constexpr double energy_wh_per_count = 0.1;
constexpr double device_min_amps = 6.0, device_max_amps = 63.0;
constexpr std::uint32_t source_modbus = 3;  // register 1550: the phase switch obeys Modbus

const std::vector<std::string>& charging_state_names() {
  static const std::vector<std::string> n = {"starting", "not_ready", "ready", "charging", "error", "interrupted"};
  return n;
}

std::string cable_state_name(std::uint32_t v) {
  switch (v) {
    case 0: return "no_cable";
    case 1: return "cable_at_station";
    case 3: return "cable_at_station_locked";
    case 5: return "cable_at_station_and_ev";
    case 7: return "cable_at_station_and_ev_locked";
    default: return "cable state " + std::to_string(v) + " (undocumented)";
  }
}

struct ReadSpec {
  std::uint16_t address;
  const char* tag;
  bool fast;
};
constexpr ReadSpec reads[] = {
    {reg::charging_state, "charging state", true}, {reg::cable_state, "cable state", true},
    {reg::current_l1, "current L1", true},         {reg::current_l1 + 2, "current L2", true},
    {reg::current_l1 + 4, "current L3", true},     {reg::power, "power", true},
    {reg::max_current, "max current", true},       {reg::error_code, "error code", false},
    {reg::total_energy, "total energy", false},    {reg::session_energy, "session energy", false},
    {reg::voltage_l1, "voltage L1", false},        {reg::voltage_l1 + 2, "voltage L2", false},
    {reg::voltage_l1 + 4, "voltage L3", false},    {reg::serial, "serial", false},
    {reg::product, "product", false},              {reg::firmware, "firmware", false},
    {reg::max_supported, "max supported current", false},
    {reg::phase_switch_state, "phase switch state", false},
    {reg::phase_switch_source, "phase switch source", false},
    {reg::failsafe_current, "failsafe current", false}, {reg::failsafe_timeout, "failsafe timeout", false},
};

// "Read as decimal, print as hex, bytes are major.minor.patch".
std::string firmware_text(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." + std::to_string((v >> 8) & 0xff);
}
}  // namespace

std::vector<modbus::Request> KebaP30::poll(PollLevel level) const {
  std::vector<modbus::Request> out;
  for (const auto& r : reads) {
    if (!r.fast && level == PollLevel::fast) continue;
    out.push_back(read(Function::read_holding, r.address, 2, r.fast ? Priority::status : Priority::telemetry, r.tag));
  }
  return out;
}

Capabilities KebaP30::capabilities() const {
  Capabilities c;
  c.min_current = std::max(settings_.min_current, device_min_amps);
  c.max_current = std::min(settings_.max_current, device_max_amps);
  if (detail_.max_supported_current && *detail_.max_supported_current >= device_min_amps)
    c.max_current = std::min(c.max_current, *detail_.max_supported_current);
  c.phases = settings_.phases;
  // Only once the charger says the switch obeys Modbus (1550 = 3, set by the installer with
  // an S10 fitted) and reports which phases it uses: a toggle nobody obeys would leave the
  // gateway counting one phase while three are drawn.
  c.can_switch_phases = settings_.phases == 3 && detail_.phase_switch_source == source_modbus &&
                        detail_.phase_switch_state.has_value();
  c.has_watchdog = true;
  c.watchdog_programmable = true;
  c.failsafe_current = detail_.failsafe_current;
  c.watchdog_timeout = detail_.failsafe_timeout_s;
  return c;
}

void KebaP30::decode(const modbus::Request& rq, const std::vector<std::uint16_t>& r) {
  const std::uint32_t v = chargers::u32_of(r[0], r[1], false);
  auto& s = state_;
  switch (rq.address) {
    case reg::charging_state:
      charging_raw_ = v;
      detail_.charging_state = name_of(charging_state_names(), v, "charging state");
      s.vendor_state = *detail_.charging_state;
      s.charging = v == 3;
      break;
    case reg::cable_state:
      cable_raw_ = v;
      detail_.cable_state = cable_state_name(v);
      break;
    case reg::error_code:
      detail_.error_code = v;
      s.errors.clear();
      if (v != 0) s.errors.push_back("error_code_" + std::to_string(v));
      break;
    case reg::current_l1:
    case reg::current_l1 + 2:
    case reg::current_l1 + 4: s.current[(rq.address - reg::current_l1) / 2] = v / 1000.0; break;
    case reg::voltage_l1:
    case reg::voltage_l1 + 2:
    case reg::voltage_l1 + 4: s.voltage[(rq.address - reg::voltage_l1) / 2] = v; break;
    case reg::power: s.power = v / 1000.0; break;
    case reg::total_energy: s.lifetime_energy = v * energy_wh_per_count; break;
    case reg::session_energy: s.session_energy = v * energy_wh_per_count; break;
    case reg::max_current: s.current_limit = v / 1000.0; break;
    case reg::max_supported: detail_.max_supported_current = v / 1000.0; break;
    case reg::serial: s.info["serial"] = std::to_string(v); break;
    case reg::product: s.info["product"] = std::to_string(v); break;
    case reg::firmware: s.info["firmware"] = firmware_text(v); break;
    case reg::phase_switch_state:
      detail_.phase_switch_state = static_cast<int>(v);
      s.active_phases = v == 0 ? 1 : 3;
      break;
    case reg::phase_switch_source: detail_.phase_switch_source = v; break;
    case reg::failsafe_current: detail_.failsafe_current = v / 1000.0; break;
    case reg::failsafe_timeout: detail_.failsafe_timeout_s = v; break;
    default: break;
  }
  update_iec();
}

void KebaP30::clear(const modbus::Request& rq) {
  auto& s = state_;
  switch (rq.address) {
    case reg::charging_state:
      charging_raw_.reset();
      detail_.charging_state.reset();
      s.vendor_state.clear();
      s.charging.reset();
      break;
    case reg::cable_state:
      cable_raw_.reset();
      detail_.cable_state.reset();
      break;
    case reg::error_code:
      detail_.error_code.reset();
      s.errors.clear();
      break;
    case reg::current_l1:
    case reg::current_l1 + 2:
    case reg::current_l1 + 4: s.current[(rq.address - reg::current_l1) / 2].reset(); break;
    case reg::voltage_l1:
    case reg::voltage_l1 + 2:
    case reg::voltage_l1 + 4: s.voltage[(rq.address - reg::voltage_l1) / 2].reset(); break;
    case reg::power: s.power.reset(); break;
    case reg::total_energy: s.lifetime_energy.reset(); break;
    case reg::session_energy: s.session_energy.reset(); break;
    case reg::max_current: s.current_limit.reset(); break;
    case reg::max_supported: detail_.max_supported_current.reset(); break;
    case reg::phase_switch_state:
      detail_.phase_switch_state.reset();
      s.active_phases.reset();
      break;
    case reg::phase_switch_source: detail_.phase_switch_source.reset(); break;
    case reg::failsafe_current: detail_.failsafe_current.reset(); break;
    case reg::failsafe_timeout: detail_.failsafe_timeout_s.reset(); break;
    default: break;  // identity keeps its last value: it does not change while running
  }
  update_iec();
}

void KebaP30::update_iec() {
  // evcc's mapping: no EV on the cable (bit 2 clear) is A; charging state 3 is C; the
  // error state is F; everything else with an EV present is B.
  if (!cable_raw_ || !charging_raw_) {
    state_.iec = IecState::unknown;
  } else if (!(*cable_raw_ & 4u)) {
    state_.iec = IecState::A;
  } else if (*charging_raw_ == 3) {
    state_.iec = IecState::C;
  } else if (*charging_raw_ == 4) {
    state_.iec = IecState::F;
  } else {
    state_.iec = IecState::B;
  }
}

CommandResult KebaP30::set_current(double amps) {
  if (auto e = chargers::check_setpoint(amps, capabilities(), model()); !e.empty()) return CommandResult::fail(e);
  const auto ma = static_cast<std::uint16_t>(std::floor(amps * 1000.0));
  return {{write(reg::set_current, {ma}, "set current")}, {}};
}

CommandResult KebaP30::set_phases(int phases) {
  if (phases != 1 && phases != 3) return CommandResult::fail(model() + ": phases must be 1 or 3");
  if (!capabilities().can_switch_phases)
    return CommandResult::fail(model() + ": phase switching needs a KeContact S10 with register 1550 reading 3 "
                                         "(Modbus) and a 3-phase installation");
  // Run it through plan_phase_switch(): the P30 switches its contactors on this write.
  return {{write(reg::trigger_phase_switch, {static_cast<std::uint16_t>(phases == 3 ? 1 : 0)}, "set phases")}, {}};
}

CommandResult KebaP30::start() { return {{write(reg::enable, {1}, "start")}, {}}; }
// 5014 = 0 disables the station; the guide says it stops the session (a car may need to be
// plugged in again). 5004 refuses values below 6 A, so there is no pause by current: the
// enable register is the only pause there is (unverified whether the session survives it).
CommandResult KebaP30::stop() { return {{write(reg::enable, {0}, "stop")}, {}}; }

CommandResult KebaP30::authorize() {
  return CommandResult::fail(model() + ": authorization is not available over Modbus TCP (use start())");
}

CommandResult KebaP30::program_watchdog(double timeout_s, double failsafe_a) {
  if (!(timeout_s >= 1 && timeout_s <= 65535))
    return CommandResult::fail(model() + ": watchdog timeout must be at least 1 s (0 would switch failsafe off)");
  const auto caps = capabilities();
  if (!(failsafe_a == 0 || (failsafe_a >= device_min_amps && failsafe_a <= caps.max_current)))
    return CommandResult::fail(model() + ": failsafe current must be 0 or 6 A.." + chargers::format_amps(caps.max_current) +
                               ", not " + chargers::format_amps(failsafe_a));
  watchdog_timeout_s_ = static_cast<std::uint16_t>(std::floor(timeout_s));
  const auto ma = static_cast<std::uint16_t>(std::floor(failsafe_a * 1000.0));
  // Current first: the moment the timeout is armed, the fallback must already be right.
  return {{write(reg::set_failsafe_current, {ma}, "failsafe current"),
           write(reg::set_failsafe_timeout, {watchdog_timeout_s_}, "failsafe timeout")},
          {}};
}

CommandResult KebaP30::keep_alive() {
  // Re-writing the failsafe timeout restarts the P30's failsafe timer.
  if (watchdog_timeout_s_ == 0)
    return CommandResult::fail(model() + ": no watchdog programmed yet (call program_watchdog() first)");
  return {{write(reg::set_failsafe_timeout, {watchdog_timeout_s_}, "keep alive")}, {}};
}

}  // namespace ampgate::drivers
