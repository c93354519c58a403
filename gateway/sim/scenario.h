#pragma once
// What happens on a simulated site over time: household load, solar, EVs arriving and
// leaving, injected faults and bus timing. Loaded from a scenario YAML file
// (docs/simulator.md documents every key) or built in code by tests.
// All times are simulated seconds since the simulator started; currents are amperes.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sim/ocpp_scenario.h"

namespace ampgate::sim {

// One point of a per-phase current profile.
struct ProfilePoint {
  double time = 0.0;
  std::array<double, 3> amps{0.0, 0.0, 0.0};  // L1, L2, L3
};

enum class Interpolation : std::uint8_t { linear, step };

// A current per phase over time. Before the first point the first value holds, after the
// last point the last value holds; an empty profile is zero.
struct Profile {
  Interpolation interpolation = Interpolation::linear;
  std::vector<ProfilePoint> points;

  std::array<double, 3> at(double time) const;
};

struct Ev {
  std::string charger;            // charger id in the site
  double plug_in = 0.0;           // seconds
  std::optional<double> plug_out; // none = stays plugged in
  int phases = 3;                 // phases the car can draw: 1 or 3
  double max_current = 16.0;      // the car's own limit
  double energy_wanted = 1e9;     // kWh; the car stops drawing once it has this much
  std::optional<double> lag;      // seconds before it follows a new offer; none = the scenario's car_lag
  std::optional<double> ramp;     // A/s while it raises its draw; 0 = at once; none = car_ramp
};

// reboot: at `from` the device restarts with its power-on register values (whatever a
// client had written is gone) and is silent until `to` (default: back at once).
// ignore_writes: writes are acknowledged as usual but not applied; fail_writes: writes are
// answered with exception `code` and not applied (reads are served normally by both).
enum class FaultKind : std::uint8_t { silent, bad_crc, slow, exception, reboot, ignore_writes, fail_writes };
const char* to_string(FaultKind k);

// A fault on one device (charger or meter id) during [from, to) simulated seconds.
struct Fault {
  std::string device;
  FaultKind kind = FaultKind::silent;
  double from = 0.0;
  double to = 1e18;
  double probability = 1.0;  // bad_crc: share of answers that get a bad CRC
  int delay_ms = 0;          // slow: extra real-time delay before answering
  int code = 4;              // exception, fail_writes: Modbus exception code to answer with

  bool active(double time) const { return time >= from && time < to; }
};

// Register writes applied to a device at start, as if a client had written them (e.g. a
// short TeltoCharge communication timeout). Key = wire address.
using Preset = std::map<std::uint16_t, std::uint16_t>;

// Longest follow lag a car may be given: IEC 61851 gives a car 5 s to follow a new PWM.
inline constexpr double max_car_lag = 5.0;
inline constexpr double scenario_file_car_lag = 2.0;
inline constexpr double scenario_file_car_ramp = 5.0;

struct Scenario {
  std::string source;                 // file it came from, empty when built in code
  double time_scale = 1.0;            // simulated seconds per real second
  double tick = 0.1;                  // real seconds between model steps
  bool wire_timing = false;           // delay RTU answers as a real bus would
  double turnaround_ms = 0.0;         // device processing time added with wire timing
  std::uint32_t seed = 1;             // for probabilistic faults, so runs repeat
  Profile household;                  // load at the mains, per phase
  Profile solar;                      // production per phase (positive amps = producing)
  std::vector<Ev> evs;
  std::vector<Fault> faults;
  std::map<std::string, Preset> presets;  // device id -> register writes at start
  // Cars: seconds to follow a new offer and A/s to raise their draw (0 = at once). A
  // scenario file defaults to the world's 2 s and 5 A/s (scenario_file_car_lag/_ramp); a
  // scenario built in code starts from cars that follow at once, as before these existed.
  double car_lag = 0.0;
  double car_ramp = 0.0;
  std::map<std::string, double> meter_refresh;  // meter id -> seconds between published values
  // Readings of a charger model where the vendor leaves a choice: device id -> key -> value.
  std::map<std::string, std::map<std::string, std::string>> settings;
  OcppScenario ocpp;  // OCPP 1.6-J charge points and their central system (ocpp_scenario.h)
};

struct ScenarioProblem {
  std::string file;
  int line = 0;    // 1-based, 0 = unknown
  int column = 0;  // 1-based
  std::string path;     // e.g. "evs[1].phases"
  std::string message;  // e.g. "must be 1 or 3"
  std::string format() const;  // "FILE:LINE:COLUMN: path: message"
};

struct ScenarioResult {
  std::optional<Scenario> scenario;  // set only when problems is empty
  std::vector<ScenarioProblem> problems;
};

ScenarioResult load_scenario_file(const std::string& path);
ScenarioResult load_scenario_text(const std::string& yaml_text, const std::string& file_name);

// Parses "90", "90s", "15m", "2h", "1h30m" into seconds; nullopt when malformed.
std::optional<double> parse_duration(const std::string& text);

}  // namespace ampgate::sim
