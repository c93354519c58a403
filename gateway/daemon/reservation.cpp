#include "gateway/daemon/reservation.h"

#include <algorithm>
#include <cmath>

#include "gateway/daemon/device_rules.h"

namespace ampgate::gateway {

namespace {

// Keeps the entry that was in force at `at` and everything after it.
void drop_before(std::vector<policies::TimedSetpoint>& h, policies::Seconds at) {
  std::size_t first = 0;
  while (first + 1 < h.size() && h[first + 1].from <= at) ++first;
  h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(first));
}

}  // namespace

ReservationFields reservation_fields(const ReservationInput& in) {
  ReservationFields f;
  f.reachable = charger_reachable(in.read_since_start, in.consecutive_failures);
  // Not read since the start: the previous process fed its watchdog at the latest when this
  // one started, so the watchdog has certainly expired only `watchdog_timeout` after that.
  f.last_seen = in.read_since_start && in.last_seen ? *in.last_seen : in.started;
  // Nothing on record: the worst it can do is run at its maximum on every wired phase.
  f.last_setpoint = in.commanded_known ? in.commanded
                                       : policies::Setpoint{static_cast<int>(std::ceil(in.max_current)),
                                                            in.wired_phases, true};
  f.setpoint_known = in.commanded_known && in.commanded_certain && in.read_since_start;
  f.watchdog_verified = in.driver_programs_watchdog && in.watchdog_read_back;
  // The setpoints in force within the car's follow time (the one in force at its start included).
  if (in.commanded_known) f.recent_setpoints = in.history;
  if (f.recent_setpoints.empty() || !(f.recent_setpoints.back().setpoint == f.last_setpoint))
    f.recent_setpoints.push_back({in.started, f.last_setpoint});
  drop_before(f.recent_setpoints, in.now - in.car_follow_time);
  return f;
}

void record_setpoint(std::vector<policies::TimedSetpoint>& history, const policies::TimedSetpoint& previous,
                     policies::Setpoint s, policies::Seconds at, policies::Seconds keep) {
  if (history.empty()) history.push_back({std::min(previous.from, at), previous.setpoint});
  if (history.back().setpoint == s) return;
  history.push_back({at, s});
  drop_before(history, at - keep);
}

}  // namespace ampgate::gateway
