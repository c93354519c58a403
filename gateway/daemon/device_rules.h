#pragma once
// The daemon's judgements about one charger from what it reported (pure; docs/daemon.md
// "Safety rules"). The control loop gathers the inputs and acts on the verdicts; each rule
// has case files in tests/daemon_rules/cases/.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "policies/types.h"

namespace ampgate::gateway {

// Reachability: a charger is reachable once this process has read it and until two status
// reads in a row failed. Before its first read after a start it is not: whatever it was
// told by a previous process may still be in force.
bool charger_reachable(bool read_since_start, int consecutive_failures);

// How far a measured draw may exceed the command before it counts as "above command":
// charger meters are rough (±0.5 A) and cars round up; 1 A plus 5 % of the command.
double draw_tolerance(double commanded_amps);

// Measured above command: the charger draws more than it was told on some phase (a reboot
// back to its power-on current, or a write it ignored). A reading is compared with the
// highest offer in force during the car's follow time before it (a car still following
// down from an earlier offer is not above its command), and only once the command has been
// certain for that long. A change of offer does not restart the wait: offers that move by
// an ampere every period would otherwise hide a reboot for as long as they move.
struct DrawCheck {
  policies::Setpoint commanded;
  bool commanded_certain = false;               // the last write was acknowledged
  policies::Seconds certain_since = 0;          // since when it is (the ack that made it so)
  // The offers in force, oldest first, each from its time (reservation.h); the oldest counts
  // as in force since before. Empty: `commanded` throughout.
  std::vector<policies::TimedSetpoint> history;
  policies::Seconds follow_time = 5.0;          // the car's time to follow a new offer
  int wired_phases = 3;
  std::array<std::optional<double>, 3> current{};  // per charger phase, A
  policies::Seconds reading_at = 0;
};
// How far (A) the worst phase is above its command, when beyond the tolerance; else nullopt.
std::optional<double> above_command(const DrawCheck& c);

// Reboot detection. A reboot resets what the gateway programmed; its signs are counters that
// go back, settings read back at their defaults, a device limit above the command, and a
// draw above the command (so a reboot is caught even when the defaults equal what was programmed).
struct RebootSigns {
  std::optional<double> lifetime_wh_before, lifetime_wh_now;
  std::optional<double> session_wh_before, session_wh_now;
  bool same_session = false;                    // the car stayed plugged in between the two reads
  // Read back (valid only from a poll made after the programming was acknowledged).
  bool readback_valid = false;
  std::optional<double> failsafe_read, timeout_read;
  double failsafe_programmed = 0, timeout_programmed = 0;
  // What the charger says it applies, against what it was certainly told.
  std::optional<double> device_limit;
  policies::Setpoint commanded;
  bool commanded_settled = false;               // acknowledged and read back at least once since
  std::optional<double> excess;                 // from above_command()
};
struct RebootVerdict {
  bool reprogram = false;                       // program watchdog and setpoint again
  std::string why;                              // the event's message
};
RebootVerdict judge_reboot(const RebootSigns& s);

}  // namespace ampgate::gateway
