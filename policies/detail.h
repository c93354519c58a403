#pragma once
// Internals of allocate(): the constraint grid, per-charger facts, mode demands and the
// sharing step. Not part of the interface; tests use allocate() only.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "policies/allocation.h"
#include "policies/id_index.h"
#include "policies/memory.h"
#include "policies/snapshot.h"

namespace ampgate::policies::detail {

inline constexpr double eps = 1e-9;
inline constexpr double unlimited = std::numeric_limits<double>::infinity();
// No charger takes more than this; larger (or non-finite) configured currents count as
// this much, so whole-amp arithmetic stays inside int and a huge value never frees a fuse.
inline constexpr double max_charger_amps = 1000.0;
// A charger reading within this of a meter sample, with no offer change around both, is
// taken as what the charger drew at the sample's time (docs/policies.md, "Household").
inline constexpr Seconds close_skew = 0.25;
// A car reading no more than this above an offer (per phase) may be following that offer.
inline constexpr double follow_tolerance = 1.0;

// How a charger's current lands on the site's phases: coef[p] = 1 when it draws on p.
struct Load {
  std::array<std::uint8_t, 3> coef{};
  int k = 0;  // number of site phases it draws on
};
// Inline: called per charger several times in every pass.
inline Load load_on_phases(const std::array<Phase, 3>& map, int phases) {
  Load l;
  for (int i = 0; i < (phases == 1 ? 1 : 3); ++i) l.coef[phase_index(map[i])] = 1;
  for (auto c : l.coef) l.k += c;
  return l;
}
inline Load load_on_phase(Phase p) {
  Load l;
  l.coef[phase_index(p)] = 1;
  l.k = 1;
  return l;
}

enum class LimitKind : std::uint8_t { fuse, meter_stale, external, sum };

// True when every value is a finite number.
inline bool finite(const PerPhase& a) {
  return std::isfinite(a[0]) && std::isfinite(a[1]) && std::isfinite(a[2]);
}

// A Reason with its circuit as an index (circuit 0 is the mains) instead of a name. The
// passes record one per charger many times over; names are only looked up once, when the
// setpoints are written (copying strings there was most of the time for large sites).
struct Why {
  ReasonKind kind = ReasonKind::no_car;
  std::int8_t phase = -1;   // site phase index, -1 = none
  std::int32_t circuit = -1;  // -1 = none
};
Reason to_reason(const Why& why, const std::vector<const CircuitSnapshot*>& circuits);

// Room left in every limit: per circuit and site phase (index circuit*3 + phase), plus two
// sum-of-phases limits on the mains: the capacity tariff's max_sum_mains (index sum(), the
// only limit a grace time may hold chargers above) and an external sum limit (ext_sum(),
// never skipped). Circuit 0 is the mains.
struct Grid {
  std::vector<int> parent;  // -1 for the mains
  std::vector<double> slack;
  std::vector<LimitKind> kind;
  std::vector<double> ev_used;  // taken by chargers so far (tells "priority" from a fuse)

  int sum() const { return static_cast<int>(parent.size()) * 3; }
  int ext_sum() const { return sum() + 1; }
  // Largest current (amps per phase) a load under circuit c still fits; `binding` gets the
  // limit that allows least (deepest first on ties). skip_sum skips max_sum_mains only.
  double room(int c, const Load& load, int* binding, bool skip_sum = false) const;
  void take(int c, const Load& load, double amps, bool skip_sum = false);
  // The same for a charger whose `floor` (per site phase) is already taken: raising it to
  // `amps` costs only what goes above the floor on each phase.
  double room_above(int c, const Load& load, const PerPhase& floor, int* binding, bool skip_sum) const;
  void take_above(int c, const Load& load, const PerPhase& floor, double from, double to, bool skip_sum);
  // Takes an amount per site phase in every limit from circuit c up (reservations).
  void take_per_phase(int c, const PerPhase& amps);
  Why reason_for(int limit) const;
  Why limit_reason(int limit, bool priority_mode) const;  // "priority" if chargers used it
};

// invalid: its data is inconsistent (bad phase map, unknown circuit, duplicate id, min or
// max not a positive number); min_above_max: its effective minimum is above its maximum.
// Both are paused alone with their own reason while the rest of the site runs.
enum class Class : std::uint8_t { active, unreachable, fault, no_car, off, invalid, min_above_max };

// Facts about one charger that hold for the whole call.
struct ChargerFacts {
  int circuit = 0;                    // -1: unknown (its floor is then taken in every circuit)
  bool map_ok = true;                 // wired phases 1 or 3 and a phase map using L1-L3 once
  Class cls = Class::no_car;
  int min = 0;                        // whole amps, rounded up
  int cap = 0;                        // min(charger max, ev max, user limit), rounded down
  Why cap_reason;
  std::optional<PerPhase> site_draw;  // fresh measured draw on the site's phases
  std::optional<Phase> single_phase;  // a 3-phase setting with a car drawing on one phase only
  int phases = 3;                     // phase count for this pass
  bool switchable = false;            // automatic 3 <-> 1 switching applies
  // Reserved whatever it is offered (docs/policies.md "Reservations"), per site phase: what
  // it is measured to draw, or the worst it may be running (last command, max when unknown,
  // failsafe when silent). An active charger's setpoint is reserved as max(setpoint, floor).
  PerPhase floor{};
};

struct Model {
  std::vector<const CircuitSnapshot*> circuits;  // in grid order: the mains first
  Grid grid;  // after non-EV load, margins, fallbacks and reservations
  std::vector<ChargerFacts> chargers;
  std::optional<double> surplus;  // amps summed over phases the surplus modes may use
  Why surplus_missing;            // why surplus is unknown
  std::vector<CircuitEstimate> estimates;  // in snapshot order, for Allocation::circuits
  std::string error;
};
// Facts, validity and floor of every charger (chargers.cpp); `circuits` maps circuit ids
// to grid indices, `parent` is the grid's tree.
void charger_facts(const SiteSnapshot& site, const std::vector<ChargerMemory*>& memory, Seconds now,
                   const IdIndex& circuits, std::vector<ChargerFacts>& out);
// What can be subtracted for charger c from a meter sample taken at some moment of
// [sample_at - sample_age, sample_at]: a draw known to hold then, never more than its
// reading (docs/policies.md "Household").
PerPhase known_draw(const ChargerSnapshot& c, const ChargerFacts& f, Seconds sample_at, Seconds sample_age,
                    const PolicySettings& p);
// The draw a setpoint offers on each site phase (valid phase map only).
PerPhase offer_of(const ChargerSnapshot& c, const Setpoint& s);
bool fresh_meter(const std::optional<Reading>& r, const PolicySettings& p, Seconds now);
Seconds follow_time(const PolicySettings& p);
double sane_margin(const PolicySettings& p);
Model build_model(const SiteSnapshot& site, const std::vector<ChargerMemory*>& memory, Seconds now);
Load load_of(const ChargerSnapshot& c, const ChargerFacts& f);

// What the charger's mode asks of the fuse sharing.
struct Demand {
  bool want = false;
  int min = 0;
  int cap = 0;
  Why cap_reason;
  Why pause_reason;
  bool fixed_at_min = false;             // solar hold
  double surplus_at_turn = unlimited;    // surplus left when its turn came (phase choice)
};
std::vector<Demand> decide_modes(const SiteSnapshot& site, const Model& model,
                                 const std::vector<Load>& loads, const std::vector<int>& order,
                                 const std::vector<ChargerMemory>& in,
                                 std::vector<ChargerMemory>& out, Seconds now);

struct Shared {
  std::vector<int> amps;
  std::vector<Why> reasons;
  std::vector<PerPhase> room_at_turn;  // per site phase (switchable chargers only)
  std::vector<double> sum_room_at_turn;
  std::vector<char> grace_held;        // held at its minimum above max_sum_mains (grace)
  bool sum_pause_pending = false;      // the sum limit wants to pause a running charger
};
Shared share(const SiteSnapshot& site, Grid grid, const std::vector<ChargerFacts>& facts,
             const std::vector<Load>& loads, const std::vector<Demand>& demands,
             const std::vector<int>& order, bool sum_grace_active);
// Cuts the shared setpoints so that every limit holds with each active charger reserved
// at max(setpoint, floor): room a reduction frees is handed out only once it is measured.
void clamp_to_floors(const SiteSnapshot& site, Grid grid, const std::vector<ChargerFacts>& facts,
                     const std::vector<Load>& loads, const std::vector<Demand>& demands,
                     const std::vector<int>& order, Shared& shared);

}  // namespace ampgate::policies::detail
