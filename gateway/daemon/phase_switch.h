#pragma once
// A phase switch (1 <-> 3) as the daemon runs it, one step per plan (pure; docs/daemon.md
// "Phase switching"). The write plan pauses a running charger and defers the new target by
// the car's follow time (write_plan.h). From then on, each plan that wants the charger
// running at another phase count asks next_switch_step() what may go out now:
//   wait_for_car     the pause is younger than the settle time, or no read since the pause
//                    shows the car stopped (not charging, no phase above 1 A);
//   switch_phases    write the pause again and the switch (drivers::plan_phase_switch());
//                    the charger stays paused, now at the new phase count;
//   wait_for_report  the switch was acknowledged, but the charger does not report the new
//                    phase count yet (a charger that reports none: the settle time again);
//   cannot_switch    the driver cannot switch (now): the target waits, the pause stays;
//   none             the charger is at the target's phase count: resume as usual.
// Every step but `none` leaves the charger paused, so every prefix of the plan stays safe:
// a resume at one phase's current never goes out while three phases may still be switched.
#include <array>
#include <optional>
#include <string>

namespace ampgate::gateway {

struct SwitchFacts {
  int target_phases = 3;
  int wired_phases = 3;
  bool can_switch = false;              // the driver's capability as read now
  std::optional<int> reported_phases;   // what the charger reports it uses
  bool reports_phases = false;          // it has reported them before (a lost read is not "none")
  bool paused_in_force = false;         // a pause is commanded and was acknowledged
  double paused_for = 0;                // s since that pause (or the switch) was acknowledged
  bool read_since_pause = false;        // a status read completed after that acknowledgement
  std::optional<bool> charging;         // from the charger's last read
  std::array<std::optional<double>, 3> currents{};
  std::optional<int> written_phases;    // the last switch the charger acknowledged
};

enum class SwitchStep { none, wait_for_car, switch_phases, wait_for_report, cannot_switch };

struct SwitchDecision {
  SwitchStep step = SwitchStep::none;
  std::string why;  // for the log, empty for `none` and `switch_phases`
};

// A phase is still drawn above this (A): the car has not followed the pause yet.
inline constexpr double car_stopped_below_amps = 1.0;

SwitchDecision next_switch_step(const SwitchFacts& f, double settle_s);

// What the daemon keeps per charger between the steps (ChargerRuntime, carried on reload).
struct PhaseSwitchProgress {
  std::optional<int> written_phases;  // the last switch the charger acknowledged
  bool reports_phases = false;        // the driver has reported its phase count
  std::string waiting;                // the last wait logged (one log line per change)
};

}  // namespace ampgate::gateway
