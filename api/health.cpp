#include "api/health.h"

#include <cstdio>

namespace ampgate::api {

Health judge_health(const SiteView& site, WallTime now) {
  if (!site.loop_last_run) return {false, "the control loop has not run yet"};
  const double since = std::chrono::duration<double>(now - *site.loop_last_run).count();
  const double allowed = 2.0 * site.control_period;
  char buf[160];
  if (since > allowed) {
    std::snprintf(buf, sizeof buf, "the control loop last ran %.1f s ago (more than two periods, %.1f s)", since,
                  allowed);
    return {false, buf};
  }
  if (!site.mains_meter.empty()) {
    const MeterView* mains = nullptr;
    for (const auto& m : site.meters) {
      if (m.id == site.mains_meter) mains = &m;
    }
    if (!mains || !mains->fresh) {
      if (mains && mains->age) {
        std::snprintf(buf, sizeof buf, "mains meter '%s' is stale (last reading %.1f s ago)", site.mains_meter.c_str(),
                      *mains->age);
        return {false, buf};
      }
      return {false, "mains meter '" + site.mains_meter + "' is stale (no reading yet)"};
    }
  }
  // A fuse carrying more than its limit is the one thing the gateway exists to prevent:
  // whatever else is fine, say so.
  static const char* const phase_names[] = {"L1", "L2", "L3"};
  for (int p = 0; p < 3; ++p) {
    const auto& m = site.mains.measured[p];
    if (m && *m > site.mains.fuse) {
      std::snprintf(buf, sizeof buf, "mains %s carries %.1f A, over its %.1f A fuse", phase_names[p], *m,
                    site.mains.fuse);
      return {false, buf};
    }
  }
  for (const auto& c : site.circuits) {
    for (int p = 0; p < 3; ++p) {
      const auto& m = c.measured[p];
      if (m && *m > c.limit) {
        std::snprintf(buf, sizeof buf, "circuit %.60s %s carries %.1f A, over its %.1f A limit", c.id.c_str(),
                      phase_names[p], *m, c.limit);
        return {false, buf};
      }
    }
  }
  if (!site.health.ok) return {false, site.health.reason};
  return {true, ""};
}

}  // namespace ampgate::api
