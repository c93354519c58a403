#pragma once
// Turns what chargers report into session rows: a session runs from plug-in to unplug.
// Energy comes from the charger's lifetime counter when it has one, otherwise from its
// power integrated over time. Progress is written every few seconds in one transaction, so
// a crash loses at most that much energy and never a row.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "gateway/daemon/site_runtime.h"
#include "storage/sessions.h"

namespace ampgate::gateway {

class SessionTracker {
 public:
  explicit SessionTracker(storage::SessionStore& store, std::chrono::seconds flush_every = std::chrono::seconds(10))
      : store_(store), flush_every_(flush_every) {}

  // After a (re)start, once every charger was polled: resumes the sessions whose charger
  // still reports the same ongoing charge, closes the others with reason gateway_restart.
  // Returns a line per decision, for the event log.
  std::vector<std::string> resume(SiteRuntime& runtime, storage::TimePoint wall_now, SteadyClock::time_point now);

  // Once per control period.
  void update(SiteRuntime& runtime, storage::TimePoint wall_now, SteadyClock::time_point now);

  // Clean shutdown: writes the final progress and ends every open session.
  void close_all(SiteRuntime& runtime, storage::TimePoint wall_now, storage::StopReason reason);

  struct Open {
    std::int64_t id = 0;
    double started_s = 0;          // policies seconds, for priority ties
    double pending_integrated_wh = 0;
    double peak_a = 0;
    int phases = 0;
    bool charged = false;          // drew current at some point
    std::optional<SteadyClock::time_point> last_sample;
    std::optional<double> energy_wh;  // last written total, for the API
  };
  const std::map<std::string, Open>& open() const { return open_; }

 private:
  storage::SessionProgress progress_of(ChargerRuntime& c, Open& o, storage::TimePoint wall_now);
  void flush(storage::TimePoint wall_now, SiteRuntime& runtime);

  storage::SessionStore& store_;
  std::chrono::seconds flush_every_;
  std::map<std::string, Open> open_;
  std::optional<storage::TimePoint> last_flush_;
};

}  // namespace ampgate::gateway
