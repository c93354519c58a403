#pragma once
// The input of one allocation: everything the control loop knows about the site at `now`.
// Field by field it is what gateway/config.h describes plus what the drivers report;
// docs/policies.md lists where each field comes from.
#include <optional>
#include <string>
#include <vector>

#include "policies/types.h"

namespace ampgate::policies {

// A measurement with the time it was taken. Currents are signed: negative = export
// (power flowing towards the grid). A reading older than PolicySettings::meter_stale_after
// is stale, and stale is never read as zero.
struct Reading {
  PerPhase amps{};
  Seconds at = 0;
};

// A node of the fuse tree. The root has id "mains" and an empty parent.
struct CircuitSnapshot {
  std::string id;
  std::string parent;             // empty for the mains
  double limit = 0;               // per phase, amps (for the mains: the main fuse)
  bool metered = false;           // has its own meter (unmetered: holds only its chargers)
  std::optional<Reading> reading; // metered but never read = stale
};

// What the car/charger is doing, from the charger's status register.
enum class CarState : std::uint8_t {
  disconnected,  // no car: the charger is held paused
  connected,     // car plugged in, not (yet) drawing: it gets a setpoint like a charging one
  charging,
  fault,         // the charger reports an error: paused
};

struct ModeSettings {
  double eco_grid_current = 6.0;        // eco: at least this much, from the grid if need be
  double eco_plus_start_surplus = 6.0;  // eco_plus: surplus (per phase) needed to start
};

struct ChargerSnapshot {
  std::string id;
  std::string circuit = mains_id;
  int wired_phases = 3;                 // 1 or 3
  bool can_switch_phases = false;       // the charger can switch 3 -> 1 -> 3 on command
  std::array<Phase, 3> phase_map{Phase::L1, Phase::L2, Phase::L3};  // charger Li -> site phase
  double min_current = 6.0;
  double max_current = 16.0;            // the charger's (and cable's) maximum
  double failsafe_current = 0.0;        // what it falls back to when its watchdog expires
  Seconds watchdog_timeout = 30.0;
  int priority = 0;                     // higher is served first in priority sharing
  Mode mode = Mode::fast;
  ModeSettings mode_settings;
  Seconds session_start = 0;            // when the car was plugged in (ties: earlier first)
  CarState state = CarState::disconnected;
  std::optional<Reading> reading;       // per charger phase L1..L3 (not site phases)
  Setpoint last_setpoint;               // what was last written to it
  bool reachable = true;                // answered the last poll
  Seconds last_seen = 0;                // last successful exchange (watchdog fed)
  std::optional<double> user_limit;     // set through the API for this session
  std::optional<double> ev_max;         // what the car was seen to take at most (driver's estimate)
};

struct PolicySettings {
  Sharing sharing = Sharing::equal;
  PhaseMode phase_mode = PhaseMode::three;
  double safety_margin = 0.0;           // kept free below every limit
  Seconds meter_stale_after = 5.0;
  double meter_lost_fallback = 0.0;     // per phase for chargers under a stale meter; 0 pauses them
  Seconds solar_stop_delay = 30.0;      // at minimum current, short of surplus, before pausing
  Seconds solar_start_delay = 120.0;    // surplus must hold this long before (re)starting
  double phase_switch_hysteresis = 1.0; // amps above the minimum before going back to 3 phases
  Seconds phase_switch_min_dwell = 300.0;
  std::optional<double> max_sum_mains;  // sum of the three mains phases (capacity tariff)
  Seconds max_sum_mains_grace = 0.0;    // seconds over the sum limit before pausing
};

// A temporary request (grid operator, tariff) through the API. It can only lower limits.
struct ExternalLimit {
  std::optional<double> per_phase;      // on the mains, per phase
  std::optional<double> sum;            // on the sum of the mains phases
  Seconds until = 0;                    // ignored from this time on
};

struct SiteSnapshot {
  std::vector<CircuitSnapshot> circuits;  // must contain "mains"
  std::vector<ChargerSnapshot> chargers;
  PolicySettings policy;
  std::optional<ExternalLimit> external;
};

}  // namespace ampgate::policies
