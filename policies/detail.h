#pragma once
// Internals of allocate(): the constraint grid, per-charger facts, mode demands and the
// sharing step. Not part of the interface; tests use allocate() only.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "policies/allocation.h"
#include "policies/memory.h"
#include "policies/snapshot.h"

namespace ampgate::policies::detail {

inline constexpr double eps = 1e-9;
inline constexpr double unlimited = std::numeric_limits<double>::infinity();

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

// A Reason with its circuit as an index (circuit 0 is the mains) instead of a name. The
// passes record one per charger many times over; names are only looked up once, when the
// setpoints are written (copying strings there was most of the time for large sites).
struct Why {
  ReasonKind kind = ReasonKind::no_car;
  std::int8_t phase = -1;   // site phase index, -1 = none
  std::int32_t circuit = -1;  // -1 = none
};
Reason to_reason(const Why& why, const std::vector<const CircuitSnapshot*>& circuits);

// Room left in every limit: per circuit and site phase (index circuit*3 + phase), plus one
// sum-of-phases limit on the mains (index sum()). Circuit 0 is the mains.
struct Grid {
  std::vector<int> parent;  // -1 for the mains
  std::vector<double> slack;
  std::vector<LimitKind> kind;
  std::vector<double> ev_used;  // taken by chargers so far (tells "priority" from a fuse)

  int sum() const { return static_cast<int>(parent.size()) * 3; }
  // Largest current (amps per phase) a load under circuit c still fits; `binding` gets the
  // limit that allows least (deepest first on ties).
  double room(int c, const Load& load, int* binding, bool skip_sum = false) const;
  void take(int c, const Load& load, double amps, bool skip_sum = false);
  Why reason_for(int limit) const;
};

enum class Class : std::uint8_t { active, unreachable, fault, no_car, off };

// Facts about one charger that hold for the whole call.
struct ChargerFacts {
  int circuit = 0;
  Class cls = Class::no_car;
  int min = 0;                        // whole amps, rounded up
  int cap = 0;                        // min(charger max, ev max, user limit), rounded down
  Why cap_reason;
  std::optional<PerPhase> site_draw;  // fresh measured draw on the site's phases
  std::optional<Phase> single_phase;  // a 3-phase setting with a car drawing on one phase only
  int phases = 3;                     // phase count for this pass
  bool switchable = false;            // automatic 3 <-> 1 switching applies
  double reserve = 0;                 // unreachable: amps per phase assumed drawn
};

struct Model {
  std::vector<const CircuitSnapshot*> circuits;  // in grid order: the mains first
  Grid grid;  // after non-EV load, margins, fallbacks and reservations
  std::vector<ChargerFacts> chargers;
  std::optional<double> surplus;  // amps summed over phases the surplus modes may use
  Why surplus_missing;            // why surplus is unknown
  std::string error;
};
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
  bool sum_pause_pending = false;      // the sum limit wants to pause a running charger
};
Shared share(const SiteSnapshot& site, Grid grid, const std::vector<ChargerFacts>& facts,
             const std::vector<Load>& loads, const std::vector<Demand>& demands,
             const std::vector<int>& order, bool sum_grace_active);

}  // namespace ampgate::policies::detail
