#pragma once
// The output of one allocation: a setpoint and a reason per charger.
#include <optional>
#include <string>
#include <vector>

#include "policies/types.h"

namespace ampgate::policies {

// What bound a charger's setpoint. docs/policies.md explains each.
enum class ReasonKind : std::uint8_t {
  fuse,                 // a circuit's per-phase limit: "mains L1", "circuit garage L2"
  meter_stale,          // the circuit's meter is stale; its fallback applies
  sum_limit,            // the sum of the mains phases
  external_limit,       // a temporary external limit on the mains
  priority,             // higher-ranked chargers took what the binding limit had left
  solar_surplus,        // the share of surplus this charger may use
  solar_hold,           // surplus fell short: held at minimum until the stop delay ends
  waiting_for_surplus,  // paused until surplus has held for the start delay
  no_surplus_meter,     // solar / eco_plus without a (fresh) mains meter
  eco_minimum,          // eco mode at its configured grid minimum
  ev_max,               // the car takes no more
  charger_max,          // the charger's maximum current
  user_limit,           // the session limit set through the API
  mode_off,
  no_car,
  charger_fault,
  unreachable,          // not answering: its worst-case draw is reserved, nothing commanded
  min_above_max,        // its effective minimum is above its maximum: paused alone
  invalid_charger,      // its own data is inconsistent (phase map, circuit, id, currents): paused alone
  invalid_site,         // the circuit tree is inconsistent; everything paused
};

struct Reason {
  ReasonKind kind = ReasonKind::no_car;
  std::string circuit;            // fuse, meter_stale, priority: the binding circuit
  std::optional<Phase> phase;     // fuse, priority: the binding phase
  friend bool operator==(const Reason&, const Reason&) = default;
};

// "mains L1", "circuit garage L2", "solar surplus", "meter stale garage", ...
std::string to_string(const Reason& r);

struct ChargerSetpoint {
  std::string id;
  Setpoint setpoint;
  Reason reason;
};

// What the allocation took each circuit's non-EV ("household") load to be, and the age of
// the data behind it, for the API, status and the page (issue 12). Filled by allocate().
struct CircuitEstimate {
  std::string id;
  std::optional<PerPhase> household;  // per site phase; empty when it could not be estimated
  PerPhase limit{};                   // the limit in force per phase (margin and external limits applied)
  Seconds sample_at = 0;              // when the meter sample behind the estimate was taken
};

struct Allocation {
  // Reductions first: every setpoint that lowers a charger's draw on some phase and raises
  // it on none comes before any setpoint that raises a draw, so writing them in order
  // never overloads a fuse in between.
  std::vector<ChargerSetpoint> setpoints;
  std::vector<CircuitEstimate> circuits;
  // Non-empty when the circuit tree (or the time) was invalid: then everything is paused.
  // A charger with bad data of its own is paused alone (invalid_charger, min_above_max).
  std::string error;

  const ChargerSetpoint* find(const std::string& id) const;
};

}  // namespace ampgate::policies
