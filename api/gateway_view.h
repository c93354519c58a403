#pragma once
// What the API sees of the gateway: plain value structs (a snapshot, copied out under the
// daemon's lock) and one abstract interface that the daemon implements. The API never
// touches buses, drivers or policies directly; it reads snapshots and hands over commands.
//
// Every measured value is std::optional: an empty optional means "stale or unknown" and is
// shown as such (null in JSON, absent in /metrics). Stale is never 0.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.h"

namespace ampgate::api {

using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;
using Amps = std::optional<double>;
using PerPhase = std::array<std::optional<double>, 3>;  // indexed by site phase L1, L2, L3

// IEC 61851 control-pilot state as the charger reports it.
enum class PilotState : std::uint8_t { A, B, C, D, E, F, unknown };
const char* to_string(PilotState s);  // "A".."F", "unknown"

struct MainsView {
  PerPhase measured;                    // from the mains meter; empty = stale/unknown
  double fuse = 0.0;                    // the configured mains fuse per phase
  double effective_limit = 0.0;         // what the loop allocates against: fuse, less margin,
                                        // lowered by a temporary limit from PUT /site/limits
  std::optional<double> temporary_limit;  // set by PUT /site/limits, empty = none
  std::optional<WallTime> temporary_until;
};

struct CircuitView {
  std::string id;
  std::string parent;                   // "mains" for a top-level circuit
  PerPhase measured;                    // empty when unmetered or its meter is stale
  double limit = 0.0;                   // per phase
  std::string meter;                    // empty = unmetered
  bool meter_stale = false;             // only meaningful when meter is set
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

// Commands arrive validated (api/validate.h): ranges and names are checked before they get
// here. What the daemon may still refuse is what only it knows (e.g. an unknown charger,
// a race with a config reload).
struct CommandResult {
  enum class Status { ok, unknown_charger, rejected };
  Status status = Status::ok;
  std::string message;                  // for the user when not ok
  std::string field;                    // the offending field, if any

  static CommandResult success() { return {}; }
  static CommandResult unknown(const std::string& id) {
    return {Status::unknown_charger, "no charger '" + id + "'", "id"};
  }
  static CommandResult refuse(std::string message, std::string field = {}) {
    return {Status::rejected, std::move(message), std::move(field)};
  }
  bool ok() const { return status == Status::ok; }
};

struct ModeCommand {
  config::Mode mode = config::Mode::fast;
  std::optional<double> eco_grid_current;        // unchanged when empty
  std::optional<double> eco_plus_start_surplus;  // unchanged when empty
};

struct SiteLimitsCommand {
  std::optional<double> mains_limit;    // per phase; empty = clear the temporary limit
  std::optional<double> duration;       // seconds; empty = until cleared or restart
};

// Implemented by the daemon (issue 6). Contract:
//  - Every method is thread-safe: the API calls them from its HTTP worker threads.
//  - Reads return a consistent snapshot and do not block the control loop for long.
//  - version() is cheap (an atomic read); it changes whenever site() would differ.
//  - Commands are stored and take effect at the next control period (never in between:
//    the loop stays the only writer to chargers). Each accepted command is recorded as an
//    event with who/what/new value. A command is never allowed to raise any current above a
//    fuse: a user limit or a temporary mains limit only ever lowers what the loop allocates.
class GatewayControl {
 public:
  virtual ~GatewayControl() = default;

  virtual SiteView site() const = 0;
  virtual std::uint64_t version() const = 0;
  virtual std::vector<SessionRow> sessions(const SessionQuery& query) const = 0;
  virtual std::vector<EventRow> events(const EventQuery& query) const = 0;
  virtual MetricsHistory history(WallTime from, WallTime to) const = 0;

  virtual CommandResult set_mode(const std::string& charger, const ModeCommand& command) = 0;
  // empty = remove the user limit
  virtual CommandResult set_limit(const std::string& charger, std::optional<double> max_current) = 0;
  // start: clears a user stop, the charger runs again when its mode allows.
  virtual CommandResult start(const std::string& charger) = 0;
  // stop: pauses the charger (setpoint run=false) until start.
  virtual CommandResult stop(const std::string& charger) = 0;
  virtual CommandResult set_site_limits(const SiteLimitsCommand& command) = 0;
};

}  // namespace ampgate::api
