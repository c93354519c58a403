#include "drivers/chargers/teltocharge.h"

#include <algorithm>
#include <cmath>

#include "drivers/chargers/teltocharge_map.h"

namespace ampgate::drivers {

using namespace teltocharge;
using chargers::flags_of;
using chargers::name_of;
using chargers::s16_of;
using modbus::Function;
using modbus::Priority;

namespace {
constexpr std::uint16_t live_count = reg::session_duration + 1;  // 0..40
constexpr std::uint16_t lifetime_count = reg::last - reg::lifetime_energy + 1;
constexpr double device_max_amps = 32.0;   // registers 15 and 20 accept 0 or 6..32
constexpr double device_min_amps = 6.0;
constexpr double max_timeout_s = 600.0;
constexpr std::uint16_t stopped_by_user = 6;            // table b
constexpr std::size_t evse_not_authorized = 5;          // table a: D2
constexpr std::size_t iec_pending_authorization = 1;    // table c: B1
constexpr std::uint8_t illegal_data_value = 3;          // Modbus exception code

IecState iec_of(std::uint16_t v) {
  switch (v) {
    case 0: return IecState::A;
    case 1:
    case 2: return IecState::B;
    case 3:
    case 4: return IecState::C;
    case 5:
    case 6: return IecState::D;
    case 7: return IecState::E;
    case 8: return IecState::F;
    default: return IecState::unknown;
  }
}
}  // namespace

std::vector<modbus::Request> TeltoCharge::poll(PollLevel level) const {
  // One block for everything the control loop needs: 41 registers cost less on a 9600 baud
  // line than the turnaround of several smaller reads.
  std::vector<modbus::Request> out{read(Function::read_holding, 0, live_count, Priority::status, live_tag)};
  if (level == PollLevel::slow)
    out.push_back(read(Function::read_holding, reg::lifetime_energy, lifetime_count, Priority::telemetry, lifetime_tag));
  return out;
}

Capabilities TeltoCharge::capabilities() const {
  Capabilities c;
  c.min_current = std::max(settings_.min_current, device_min_amps);
  c.max_current = std::min(settings_.max_current, device_max_amps);
  if (detail_.amp_limit && *detail_.amp_limit >= device_min_amps) c.max_current = std::min(c.max_current, *detail_.amp_limit);
  c.phases = settings_.phases;
  // Only once the charger itself has said so: an unread charger is assumed unable.
  c.can_switch_phases = settings_.phases == 3 && detail_.phase_change_possible.value_or(false) &&
                        detail_.three_phase_possible.value_or(false);
  c.can_pause = true;  // amps to use = 0 (register 15 takes 0 or 6..32)
  c.can_end_session = true;
  c.has_watchdog = true;
  c.watchdog_programmable = true;
  c.failsafe_current = detail_.failsafe_current;
  c.watchdog_timeout = detail_.comm_timeout_s;
  c.authorization = true;
  c.socket_lock = true;
  return c;
}

void TeltoCharge::decode(const modbus::Request& request, const std::vector<std::uint16_t>& r) {
  if (request.tag == lifetime_tag) {
    state_.lifetime_energy = static_cast<double>(chargers::u64_of(r.data(), true)) * energy_wh_per_count;
  } else if (request.tag == live_tag) {
    decode_live(r);
  }
}

void TeltoCharge::decode_live(const std::vector<std::uint16_t>& r) {
  auto& s = state_;
  auto& d = detail_;
  for (int i = 0; i < 3; ++i) {
    s.voltage[i] = s16_of(r[reg::voltage_l1 + i]);
    s.current[i] = s16_of(r[reg::current_l1 + i]) / 10.0;
  }
  d.evse_status = name_of(evse_status_names(), r[reg::evse_status], "EVSE status");
  d.status_time_s = chargers::u32_of(r[reg::status_time], r[reg::status_time + 1], true);
  d.evse_id_ok = r[reg::evse_id] == evse_id_value;
  d.three_phase_possible = r[reg::three_phase_possible] == 1;
  d.phase_change_possible = r[reg::phase_change_possible] == 1;
  d.amp_limit = r[reg::amp_limit];
  d.phase_connected = name_of(phase_names(), r[reg::phase_connected], "phase");
  d.phase_to_use = name_of(phase_names(), r[reg::phase_to_use], "phase");
  d.amps_to_use = r[reg::amps_to_use];
  d.stop_requested = r[reg::request_stop] == 1;
  d.authorize_requested = r[reg::request_authorize] == 1;
  d.socket_lock_mode = name_of(socket_lock_names(), r[reg::socket_lock], "lock mode");
  d.comm_timeout_s = r[reg::comm_timeout];
  d.failsafe_current = r[reg::failsafe_current];
  d.requires_authorization = r[reg::require_authorization] == 1;
  d.charge_point_state = name_of(charge_point_state_names(), r[reg::charge_point_state], "charge point state");
  d.max_power_from_grid = r[reg::max_power_from_grid];
  d.user_max_current = r[reg::user_max_current];
  d.socket_locked = r[reg::lock_status] == 1;
  d.ocpp_connected = r[reg::ocpp_connected] == 1;
  d.iec_state = name_of(iec_state_names(), r[reg::iec_state], "IEC state");
  d.max_supported_power = name_of(max_supported_power_names(), r[reg::max_supported_power], "power class");
  d.session_duration_s = r[reg::session_duration];

  const std::uint16_t iec = r[reg::iec_state];
  s.iec = iec_of(iec);
  s.charging = iec == 4 || iec == 6;  // C2, D2: PWM on and the vehicle drawing
  s.power = r[reg::power];
  s.session_energy = r[reg::session_energy] * energy_wh_per_count;
  s.temperature = s16_of(r[reg::temperature]) / 10.0;
  s.current_limit = r[reg::amps_to_use];
  const std::uint16_t phase = r[reg::phase_to_use];
  if (phase == phase_three) s.active_phases = 3;
  else if (phase <= 2) s.active_phases = 1;
  else if (phase <= 5) s.active_phases = 2;
  else s.active_phases.reset();
  s.vendor_state = *d.charge_point_state;
  s.warnings = flags_of(r[reg::warnings], warning_names(), "warning");
  s.errors = flags_of(r[reg::errors], error_names(), "error");
  if (!*d.evse_id_ok)
    s.errors.push_back("not_a_teltocharge (register 9 reads " + std::to_string(r[reg::evse_id]) + ", expected 21571)");
  s.limit_cause = name_of(limit_cause_names(), r[reg::limit_cause], "limit cause");
  s.info["product_code"] = "EVC" + std::to_string(r[reg::product_code]);
  s.info["serial"] = std::to_string(chargers::u32_of(r[reg::serial], r[reg::serial + 1], true));
  s.info["firmware"] = std::to_string(r[reg::firmware]);

  if (resume_reads_ >= 0) {
    // Charge point state 6 is "stopped by user". Still there two reads after writing 2,
    // with 2 read back: this firmware takes 16 as the older 0-1 table.
    const bool still_stopped = r[reg::charge_point_state] == stopped_by_user;
    if (!still_stopped) {
      resume_reads_ = -1;
    } else if (++resume_reads_ >= 2 && r[reg::request_stop] == 2) {
      start_value_two_ = false;
      resume_retry_ = true;
      resume_reads_ = -1;
    }
  }
}

void TeltoCharge::clear(const modbus::Request& request) {
  if (request.tag == lifetime_tag) {
    state_.lifetime_energy.reset();
    return;
  }
  if (request.tag != live_tag) return;
  const auto lifetime = state_.lifetime_energy;
  const auto last_good = state_.last_good;
  state_ = ChargerState{};
  state_.lifetime_energy = lifetime;
  state_.last_good = last_good;
  detail_ = TeltoChargeDetail{};
}

CommandResult TeltoCharge::set_current(double amps) {
  const auto caps = capabilities();
  if (auto e = chargers::check_setpoint(amps, caps, model()); !e.empty()) return CommandResult::fail(e);
  // The register takes whole amperes; rounding down never commands more than asked.
  const double whole = std::floor(amps);
  if (whole < caps.min_current)
    return CommandResult::fail(model() + ": takes whole amperes and " + chargers::format_amps(amps) +
                               " rounds down below the minimum " + chargers::format_amps(caps.min_current));
  last_setpoint_ = static_cast<std::uint16_t>(whole);
  CommandResult r{{write(reg::amps_to_use, {*last_setpoint_}, "set current")}, {}};
  add_authorization(r);
  return r;
}

CommandResult TeltoCharge::set_phases(int phases) {
  if (phases != 1 && phases != 3) return CommandResult::fail(model() + ": phases must be 1 or 3");
  if (!capabilities().can_switch_phases)
    return CommandResult::fail(model() + ": the charger does not report phase switching as possible (registers 10/11)");
  // One phase means the charger's own L1; the site phase it lands on is the phase map's business.
  return {{write(reg::phase_to_use, {phases == 3 ? phase_three : phase_l1}, "set phases")}, {}};
}

bool TeltoCharge::awaits_authorization() const {
  if (!detail_.requires_authorization.value_or(false)) return false;
  const auto& e = detail_.evse_status;
  const auto& i = detail_.iec_state;
  return (e && *e == evse_status_names()[evse_not_authorized]) || (i && *i == iec_state_names()[iec_pending_authorization]);
}

void TeltoCharge::add_authorization(CommandResult& r) const {
  if (r.ok() && awaits_authorization()) r.requests.push_back(write(reg::request_authorize, {1}, "authorize"));
}

// Pausing is amps to use = 0: the session stays open and the car waits ("not enough
// power"). Register 16 would end the session on some firmware.
CommandResult TeltoCharge::stop() {
  last_setpoint_ = 0;
  return {{write(reg::amps_to_use, {0}, "pause")}, {}};
}

CommandResult TeltoCharge::start() {
  if (!last_setpoint_ || *last_setpoint_ == 0)
    return CommandResult::fail(model() + ": resuming needs a current; call set_current() first");
  CommandResult r{{write(reg::amps_to_use, {*last_setpoint_}, "resume")}, {}};
  if (resume_retry_) {
    r.requests.push_back(resume_write().requests.front());
    resume_retry_ = false;
  }
  add_authorization(r);
  return r;
}

CommandResult TeltoCharge::end_session() {
  resume_reads_ = -1;
  resume_retry_ = false;
  return {{write(reg::request_stop, {1}, "end session")}, {}};
}

CommandResult TeltoCharge::resume_write() const {
  return {{write(reg::request_stop, {static_cast<std::uint16_t>(start_value_two_ ? 2 : 0)}, "start session")}, {}};
}

CommandResult TeltoCharge::resume_session() {
  resume_retry_ = false;
  resume_reads_ = start_value_two_ ? 0 : -1;
  auto r = resume_write();
  add_authorization(r);
  return r;
}

void TeltoCharge::written(const modbus::Request& rq, const modbus::Reply& reply) {
  if (rq.address == reg::request_stop && rq.values.size() == 1 && rq.values[0] == 2 &&
      reply.outcome == modbus::Outcome::exception && reply.exception_code == illegal_data_value) {
    // The older table: 2 is out of range. Start after a stop is 0 there.
    start_value_two_ = false;
    resume_retry_ = true;
    resume_reads_ = -1;
  }
  if (rq.address == reg::amps_to_use && rq.values.size() == 1 && reply.ok()) last_setpoint_ = rq.values[0];
}

CommandResult TeltoCharge::authorize() { return {{write(reg::request_authorize, {1}, "authorize")}, {}}; }

CommandResult TeltoCharge::program_watchdog(double timeout_s, double failsafe_a) {
  if (!(timeout_s >= 1 && timeout_s <= max_timeout_s))
    return CommandResult::fail(model() + ": watchdog timeout must be 1..600 s (0 would disable it)");
  const auto caps = capabilities();
  if (!(failsafe_a == 0 || (failsafe_a >= device_min_amps && failsafe_a <= caps.max_current)))
    return CommandResult::fail(model() + ": failsafe current must be 0 or " + chargers::format_amps(device_min_amps) +
                               ".." + chargers::format_amps(caps.max_current) + ", not " +
                               chargers::format_amps(failsafe_a));
  // Round both down: a shorter timeout and a lower fallback are the safe side.
  const auto t = static_cast<std::uint16_t>(std::floor(timeout_s));
  const auto f = static_cast<std::uint16_t>(std::floor(failsafe_a));
  if (f != 0 && f < device_min_amps)
    return CommandResult::fail(model() + ": failsafe current rounds down below 6 A");
  return {{write(reg::comm_timeout, {t, f}, "program watchdog")}, {}};
}

CommandResult TeltoCharge::keep_alive() {
  // Any valid request feeds the watchdog; re-writing the setpoint also repairs a change made
  // from the mobile app.
  CommandResult r;
  if (last_setpoint_) r.requests.push_back(write(reg::amps_to_use, {*last_setpoint_}, "keep alive"));
  else r.requests.push_back(read(Function::read_holding, reg::evse_id, 1, Priority::setpoint, "keep alive"));
  // A resume the charger did not take (register 16 on the older table) is repeated here, so
  // it does not wait for the next user command.
  if (resume_retry_) {
    r.requests.push_back(resume_write().requests.front());
    resume_retry_ = false;
  }
  add_authorization(r);
  return r;
}

CommandResult TeltoCharge::set_socket_lock(SocketLock lock) {
  const std::uint16_t v = lock == SocketLock::automatic ? 0 : lock == SocketLock::always_locked ? 1 : 2;
  return {{write(reg::socket_lock, {v}, "socket lock")}, {}};
}

}  // namespace ampgate::drivers
