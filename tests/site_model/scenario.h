#pragma once
// A scenario: a site, the gateway's settings and what happens to the world over time.
// Generated (generator.h) or read from a case file (cases/*.yaml, format in README.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/snapshot.h"
#include "tests/site_model/world.h"

namespace ampgate::site_model {

enum class EventKind : std::uint8_t {
  household,       // target circuit's own load becomes `amps` (negative: PV export)
  plug,            // a car arrives at target charger (`value` = what it wants now, 0 = its max)
  unplug,
  car_want,        // the car takes `value` from now on (less than offered, later more)
  reboot,          // target charger reboots to its power-on current (silent for `duration`)
  charger_silent,  // target charger answers nothing for `duration`
  meter_silent,    // target circuit's meter publishes nothing for `duration`
  meter_nan,       // target circuit's meter publishes NaN for `duration`
  write,           // the next write to target charger has outcome `outcome`
  fault,           // target charger reports fault for `duration` (`draws`: the car still draws)
  mode,            // target charger's mode becomes `mode` (set through the API)
  external,        // an external limit (`per_phase`, `sum`) for `duration`
  restart,         // the gateway crashes and is back after `duration`: memory lost
  reload,          // the gateway reloads its config: allocation memory lost
  stop,            // the gateway stops (SIGTERM): writes every failsafe and exits
};

const char* to_string(EventKind k);
std::optional<EventKind> event_kind(const std::string& name);

struct Event {
  Tick at = 0;
  EventKind kind = EventKind::household;
  std::string target;
  Amps3 amps{};
  double value = 0;
  Tick duration = 0;
  World::WriteOutcome outcome = World::WriteOutcome::failed_not_applied;
  bool draws = false;
  policies::Mode mode = policies::Mode::fast;
  std::optional<double> per_phase, sum;
};

struct Scenario {
  std::uint64_t seed = 0;
  std::string description;
  std::vector<CircuitSpec> circuits;
  std::vector<ChargerSpec> chargers;
  policies::PolicySettings policy;
  Tick period = 10;         // the control period
  Tick decide_at = 8;       // the decision, this far into the period (after the polls)
  Tick duration = 200;      // how long the world runs
  std::vector<Event> events;  // in time order
};

// Case files. load_scenario throws std::runtime_error with the file and the problem.
Scenario load_scenario(const std::string& path);
Scenario parse_scenario(const std::string& yaml_text, const std::string& name);
std::string to_yaml(const Scenario& s);

}  // namespace ampgate::site_model
