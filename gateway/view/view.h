#pragma once
// The daemon's published view: what the API (REST, SSE, the page), `ampgate status` and a
// future MQTT room see of the gateway. Plain value structs, a snapshot the control loop
// builds once per control period from its allocation (limits, reasons, estimate ages) and
// publishes as a std::shared_ptr<const SiteView>; readers never touch the loop's objects.
//
// Every measured value is std::optional: an empty optional means "stale or unknown" and is
// shown as such (null in JSON, absent in /metrics). Stale is never 0.
//
// Standard library only (and the site file's words, gateway/view/words.h), so that any
// room can include it without the daemon's internals. Commands: gateway/view/command.h.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/view/words.h"

namespace ampgate::view {

using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;
using Amps = std::optional<double>;
using PerPhase = std::array<std::optional<double>, 3>;  // indexed by site phase L1, L2, L3

// IEC 61851 control-pilot state as the charger reports it.
enum class PilotState : std::uint8_t { A, B, C, D, E, F, unknown };
inline const char* to_string(PilotState s) {
  constexpr const char* names[] = {"A", "B", "C", "D", "E", "F", "unknown"};
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(names) ? names[i] : "unknown";
}

// What the last allocation took a circuit's non-EV ("household") load to be, per site
// phase, the limit it allocated against, and how old the meter sample behind it was.
struct HouseholdView {
  PerPhase amps;                        // empty phase = not estimated (stale meter)
  PerPhase limit;                       // margin and temporary limits applied
  std::optional<double> age;            // seconds since the sample was taken
};

struct MainsView {
  PerPhase measured;                    // from the mains meter; empty = stale/unknown
  double fuse = 0.0;                    // the configured mains fuse per phase
  double effective_limit = 0.0;         // what the loop allocates against: fuse, less margin,
                                        // lowered by a temporary limit from PUT /site/limits
  std::optional<double> temporary_limit;  // set by PUT /site/limits, empty = none
  std::optional<WallTime> temporary_until;
  std::optional<HouseholdView> household;  // empty until the loop has decided once
};

struct CircuitView {
  std::string id;
  std::string parent;                   // "mains" for a top-level circuit
  PerPhase measured;                    // empty when unmetered or its meter is stale
  double limit = 0.0;                   // per phase
  std::string meter;                    // empty = unmetered
  bool meter_stale = false;             // only meaningful when meter is set
  std::optional<HouseholdView> household;
};

struct Setpoint {
  double current = 0.0;                 // amps per phase
  int phases = 3;
  bool run = false;                     // false = paused
};

struct SessionInfo {
  std::string id;
  WallTime started;
  double energy_wh = 0.0;
};

struct ChargerView {
  std::string id;
  std::string model;
  std::string circuit;
  PilotState state = PilotState::unknown;
  bool reachable = false;
  config::Mode mode = config::Mode::fast;
  config::ModeSettings mode_settings;
  double min_current = 6.0;             // configured hardware range (site.yaml)
  double max_current = 16.0;
  std::optional<double> user_limit;     // from PUT /chargers/{id}/limit, empty = none
  bool stopped_by_user = false;         // POST /stop until POST /start
  Setpoint setpoint;
  PerPhase actual;                      // per charger phase L1..L3 as the charger reports it
  int phases_in_use = 0;
  std::optional<double> power;          // watts
  std::optional<SessionInfo> session;
  std::string reason;                   // why it got its setpoint, e.g. "circuit garage L2"
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
};

struct MeterView {
  std::string id;
  std::string model;
  config::MeterRole role = config::MeterRole::mains;
  PerPhase current;
  PerPhase voltage;
  PerPhase power;
  std::optional<double> total_power;    // watts, positive = import
  std::optional<double> age;            // seconds since the last good reading; empty = never read
  bool fresh = false;
};

struct BusView {
  std::string id;
  std::string kind;                     // "rtu" or "tcp"
  std::uint64_t requests = 0;
  std::uint64_t successes = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t bad_frames = 0;
  std::uint64_t exceptions = 0;
  double error_rate = 0.0;              // 0..1 over a recent window
  std::optional<double> latency_p50;    // seconds
  std::optional<double> latency_p99;
  double busy = 0.0;                    // share of time the line was in use, 0..1
};

struct HealthView {
  bool ok = true;                       // the daemon's own verdict (buses, storage, ...)
  std::string reason;                   // set when !ok
};

struct SiteView {
  std::string name;
  int phases = 3;
  double voltage = 230.0;
  double control_period = 1.0;          // seconds
  std::optional<WallTime> loop_last_run;  // empty = the loop has not run yet
  std::string mains_meter;              // meter id, empty = none configured
  MainsView mains;
  std::vector<CircuitView> circuits;
  std::vector<ChargerView> chargers;
  std::vector<MeterView> meters;
  std::vector<BusView> buses;
  HealthView health;
  std::uint64_t version = 0;            // changes whenever anything above changes
};

struct SessionQuery {
  std::optional<WallTime> from;         // sessions that started at or after
  std::optional<WallTime> to;           // ... and before
  std::optional<std::string> charger;
  std::size_t limit = 1000;
};

struct SessionRow {
  std::string id;
  std::string charger;
  WallTime started;
  std::optional<WallTime> ended;        // empty = still running
  double energy_wh = 0.0;
};

struct EventQuery {
  std::optional<WallTime> from;
  std::optional<WallTime> to;
  std::size_t limit = 200;              // newest first
};

struct EventRow {
  WallTime time;
  std::string kind;                     // e.g. "mode", "limit", "meter_stale", "start"
  std::string charger;                  // empty when not about one charger
  std::string message;                  // a sentence for a person
};

// Per-minute history for the web page's plot. Every series has one entry per `times` entry.
struct MetricsHistory {
  struct ChargerSeries {
    std::string id;
    std::vector<std::optional<double>> current;  // highest phase current in that minute
  };
  std::vector<WallTime> times;
  std::array<std::vector<std::optional<double>>, 3> mains;  // per phase, empty = stale
  std::vector<std::optional<double>> mains_limit;           // effective limit (the fuse line)
  std::vector<ChargerSeries> chargers;
};

// Where the view comes from (the daemon: gateway/daemon/daemon_view.h). Contract:
//  - Every method is thread-safe: readers call them from their own threads.
//  - site()/published() return the snapshot of the last control period and never block the
//    control loop for long; version() is cheap and changes whenever site() would differ.
//  - sessions, events and history are read from the gateway's records.
class Source {
 public:
  virtual ~Source() = default;

  virtual SiteView site() const = 0;
  virtual std::uint64_t version() const = 0;
  virtual std::vector<SessionRow> sessions(const SessionQuery& query) const = 0;
  virtual std::vector<EventRow> events(const EventQuery& query) const = 0;
  virtual MetricsHistory history(WallTime from, WallTime to) const = 0;
};

}  // namespace ampgate::view
