#include "gateway/daemon/phase_switch.h"

namespace ampgate::gateway {

SwitchDecision next_switch_step(const SwitchFacts& f, double settle_s) {
  const int target = f.wired_phases == 3 && f.target_phases == 1 ? 1 : f.wired_phases;
  if (f.wired_phases != 3) return {};
  if (f.reported_phases) {
    if (*f.reported_phases == target) return {};
  } else if (f.reports_phases) {
    return {SwitchStep::wait_for_report, "the charger's phase report is missing"};
  } else if (f.written_phases == target) {
    // Nothing reported: the acknowledged switch is all there is; give the contactors the
    // settle time before the car is offered current again.
    if (f.paused_in_force && f.paused_for < settle_s) return {SwitchStep::wait_for_report, "contactors settling"};
    return {};
  }
  if (!f.can_switch) {
    // Three phases offered to a charger still on one draws less than planned: no risk. One
    // phase's current on three that cannot be switched off is the risk, so that waits.
    if (target == 3) return {};
    return {SwitchStep::cannot_switch, "the charger cannot switch phases now"};
  }
  if (f.written_phases == target && f.reported_phases)
    return {SwitchStep::wait_for_report, "waiting for the charger to report " + std::to_string(target) + " phase(s)"};
  if (!f.paused_in_force) return {SwitchStep::wait_for_car, "not paused yet"};
  if (f.paused_for < settle_s || !f.read_since_pause) return {SwitchStep::wait_for_car, "waiting for the car to follow the pause"};
  if (f.charging.value_or(true)) return {SwitchStep::wait_for_car, "the charger still reports charging"};
  for (const auto& a : f.currents)
    if (a && *a >= car_stopped_below_amps) return {SwitchStep::wait_for_car, "a phase still draws current"};
  return {SwitchStep::switch_phases, {}};
}

}  // namespace ampgate::gateway
