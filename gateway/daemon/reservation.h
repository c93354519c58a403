#pragma once
// What the snapshot says about a charger's worst case (pure; docs/daemon.md "Reservations").
// The allocator reserves for a charger from these fields; the daemon only fills them, from
// what it commanded, when, whether that was acknowledged, and whether it has read the
// charger since this process started.
#include <optional>
#include <vector>

#include "policies/types.h"

namespace ampgate::gateway {

struct ReservationInput {
  policies::Seconds now = 0;
  policies::Seconds started = 0;             // this process's start
  bool read_since_start = false;             // a status read succeeded in this process
  int consecutive_failures = 0;
  std::optional<policies::Seconds> last_seen;  // last good status read (this process)
  // What was commanded: by this process, or restored from the database after a restart.
  bool commanded_known = false;
  policies::Setpoint commanded;
  bool commanded_certain = false;            // its write was acknowledged (not a failed write's worst case)
  std::vector<policies::TimedSetpoint> history;  // oldest first; the last one is `commanded`
  double max_current = 16;
  int wired_phases = 3;
  // The driver can program a watchdog, and timeout and failsafe were written and read back.
  bool driver_programs_watchdog = false;
  bool watchdog_read_back = false;
  policies::Seconds car_follow_time = 5.0;
};

struct ReservationFields {
  bool reachable = false;
  policies::Seconds last_seen = 0;
  policies::Setpoint last_setpoint;
  bool setpoint_known = false;
  bool watchdog_verified = false;
  std::vector<policies::TimedSetpoint> recent_setpoints;
};

ReservationFields reservation_fields(const ReservationInput& in);

// Appends a setpoint that took effect at `at` and drops what is older than `keep` before
// `at` (the entry in force at that moment stays). `previous` is what it replaced and since
// when: an empty history gets it first, because a history of one entry says that entry was
// in force since before any time asked about (a resume after the first pause would count the
// car's ramp as drawn at once).
void record_setpoint(std::vector<policies::TimedSetpoint>& history, const policies::TimedSetpoint& previous,
                     policies::Setpoint s, policies::Seconds at, policies::Seconds keep);

}  // namespace ampgate::gateway
