#include "gateway/daemon/charger_commands.h"

namespace ampgate::gateway {

SwitchFacts switch_facts_of(ChargerRuntime& c, const policies::Setpoint& target, SteadyClock::time_point now) {
  const auto& st = c.driver->state();
  if (st.active_phases) c.phase_switch.reports_phases = true;
  SwitchFacts f;
  f.target_phases = target.phases;
  f.wired_phases = c.cfg.phases;
  f.can_switch = c.driver->capabilities().can_switch_phases;
  f.reported_phases = st.active_phases;
  f.reports_phases = c.phase_switch.reports_phases;
  const bool known = c.commanded_known && !c.safety.must_write && c.safety.commanded_certain;
  f.paused_in_force = known && !c.commanded.run;
  f.paused_for = std::chrono::duration<double>(now - c.safety.commanded_since).count();
  f.read_since_pause = c.last_seen && *c.last_seen > c.safety.commanded_since;
  f.charging = st.charging;
  f.currents = st.current;
  f.written_phases = c.phase_switch.written_phases;
  return f;
}

drivers::CommandResult switch_requests(ChargerRuntime& c, const policies::Setpoint& target) {
  auto plan = drivers::plan_phase_switch(*c.driver, target.phases, target.amps);
  if (!plan.ok()) return drivers::CommandResult::fail(plan.error);
  drivers::CommandResult out{std::move(plan.pause), {}};
  out.requests.insert(out.requests.end(), plan.switch_phases.begin(), plan.switch_phases.end());
  return out;
}

std::optional<SessionWrite> session_write_due(ChargerRuntime& c) {
  if (c.session_write || !c.driver->capabilities().can_end_session) return std::nullopt;
  if (c.user.user_stopped && !c.session_ended_by_user) {
    // Only once the pause is in force: the session ends on top of a pause, never instead.
    if (!c.commanded_known || c.commanded.run || !c.safety.commanded_certain) return std::nullopt;
    return SessionWrite{c.driver->end_session(), true};
  }
  if (!c.user.user_stopped && c.session_ended_by_user) return SessionWrite{c.driver->resume_session(), false};
  return std::nullopt;
}

}  // namespace ampgate::gateway
