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
  if (!site.health.ok) return {false, site.health.reason};
  return {true, ""};
}

}  // namespace ampgate::api
