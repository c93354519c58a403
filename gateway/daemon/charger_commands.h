#pragma once
// The steps beyond one setpoint write that the loop sends a charger (daemon_control.cpp):
// the facts a phase switch is judged on (phase_switch.h) and its requests, and the user's
// explicit end and resume of a session where the driver has them.
#include <optional>

#include "drivers/charger.h"
#include "gateway/daemon/phase_switch.h"
#include "gateway/daemon/site_runtime.h"

namespace ampgate::gateway {

// What the charger's runtime tells next_switch_step() about a run target.
SwitchFacts switch_facts_of(ChargerRuntime& c, const policies::Setpoint& target, SteadyClock::time_point now);

// The pause (again) and the switch, from drivers::plan_phase_switch(); the charger stays
// paused, at the new phase count.
drivers::CommandResult switch_requests(ChargerRuntime& c, const policies::Setpoint& target);

// The user's explicit stop or start as the driver's end_session() / resume_session(), when
// the driver has them and one is due (empty when nothing is to be sent). `ending` tells
// which one it is. Either is safe at any time: ending a session stops the draw; resuming
// one lets the car draw only what is commanded (and reserved) already.
struct SessionWrite {
  drivers::CommandResult cmd;
  bool ending = false;
};
std::optional<SessionWrite> session_write_due(ChargerRuntime& c);

}  // namespace ampgate::gateway
