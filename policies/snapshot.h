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
// is stale, and stale is never read as zero; so is one with a value that is not a finite
// number (and a charger reading above 1000 A).
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
  // How old the meter's value may already be when it is read (it publishes new values every
  // so often): the sample was taken at some moment of [reading.at - sample_age, reading.at].
  Seconds sample_age = 0;
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
  // Good readings before `reading`, oldest first (a few seconds' worth): when `reading` may
  // have been taken after a meter's sample, the latest of these taken before it tells more
  // (docs/policies.md "Household").
  std::vector<Reading> earlier_readings;
  Setpoint last_setpoint;               // what was last written to it
  bool reachable = true;                // answered the last poll
  Seconds last_seen = 0;                // last successful exchange (watchdog fed)
  std::optional<double> user_limit;     // set through the API for this session
  std::optional<double> ev_max;         // what the car was seen to take at most (driver's estimate)

  // Worst-case bookkeeping (issue 11/12; docs/policies.md "Reservations" and "Household").
  //
  // watchdog_verified: the charger's watchdog was programmed and read back, so once it has
  // been silent for watchdog_timeout (now - last_seen >= watchdog_timeout) it certainly runs
  // at most its failsafe. False (a driver that cannot program one, or the read-back
  // failed): a silent charger is reserved at the worst it may be running - its last
  // command, its max when that is unknown, or its failsafe if higher - for as long as it is
  // silent.
  bool watchdog_verified = true;
  // setpoint_known: the gateway knows what the charger runs at. False after a restart
  // before the charger's setpoint was read back, or after a write whose outcome is unknown
  // (timeout). Then last_setpoint is read as the highest command it may be running (the
  // persisted one; after an unknown write the higher of the old and the new): with run set
  // its amps and phases are reserved, with run clear nothing is known and max_current is
  // reserved on all wired phases. Silent, that holds until its verified watchdog has
  // certainly expired (then the failsafe); answering, until setpoint_known is true again.
  // A measured draw above it is reserved as measured. Nothing is subtracted for such a
  // charger from a meter (its draw stays in the household estimate).
  bool setpoint_known = true;
  // The write plan pauses this charger before it sends a new setpoint (a reboot or restart
  // not yet answered by an acknowledged write): whatever it is given is a raise from a pause,
  // even below the command it reports (policies/share.cpp clamp_to_floors).
  bool paused_first = false;
  // recent_setpoints: the offers in force over the recent past, oldest first, each from its
  // `from` time; the last one is last_setpoint. The oldest is taken as in force since before
  // any time asked about, so keep the one that was in force at
  // now - meter_stale_after - car_follow_time (or earlier). Empty: last_setpoint has been in
  // force throughout. A non-finite `from` makes the history unknown: nothing is subtracted.
  // Used to bound what a charger can have drawn at the time of a meter sample taken at
  // another moment than the charger's reading.
  std::vector<TimedSetpoint> recent_setpoints;
};

struct PolicySettings {
  Sharing sharing = Sharing::equal;
  PhaseMode phase_mode = PhaseMode::three;
  double safety_margin = 0.0;           // kept free below every limit (negative or NaN: 0)
  Seconds meter_stale_after = 5.0;
  double meter_lost_fallback = 0.0;     // per phase for chargers under a stale meter; 0 pauses them
                                        // (never more than the limit less margin allows; NaN: 0)
  Seconds solar_stop_delay = 30.0;      // at minimum current, short of surplus, before pausing
  Seconds solar_start_delay = 120.0;    // surplus must hold this long before (re)starting
  double phase_switch_hysteresis = 1.0; // amps above the minimum before going back to 3 phases
  Seconds phase_switch_min_dwell = 300.0;
  std::optional<double> max_sum_mains;  // sum of the three mains phases (capacity tariff)
  Seconds max_sum_mains_grace = 0.0;    // seconds over the sum limit before pausing
  Seconds car_follow_time = 5.0;        // a car follows a new offer within this (IEC 61851: 5 s);
                                        // not a number or negative: 5 s
};

// A temporary request (grid operator, tariff) through the API. It can only lower limits.
struct ExternalLimit {
  std::optional<double> per_phase;      // on the mains, per phase
  std::optional<double> sum;            // on the sum of the mains phases
  Seconds until = 0;                    // ignored from this time on
};
// The one expiry rule: the allocation applies a limit, and the daemon keeps (and shows) it,
// only while this holds.
inline bool in_force(const ExternalLimit& l, Seconds now) { return now < l.until; }

struct SiteSnapshot {
  std::vector<CircuitSnapshot> circuits;  // must contain "mains"
  std::vector<ChargerSnapshot> chargers;
  PolicySettings policy;
  std::optional<ExternalLimit> external;
};

}  // namespace ampgate::policies
