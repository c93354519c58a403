#include "gateway/daemon/write_plan.h"

#include <algorithm>

namespace ampgate::gateway {

namespace {

using policies::PerPhase;
using policies::Setpoint;

int used_phases(const Setpoint& s, int wired) { return wired == 1 ? 1 : (s.phases == 1 ? 1 : 3); }

bool same_command(const Setpoint& a, const Setpoint& b, int wired) {
  if (!a.run && !b.run) return true;  // paused is paused, whatever the amps
  return a.run == b.run && a.amps == b.amps && used_phases(a, wired) == used_phases(b, wired);
}

bool at_most(const PerPhase& a, const PerPhase& b) {
  for (int i = 0; i < 3; ++i)
    if (a[i] > b[i]) return false;
  return true;
}

Setpoint pause_of(const Setpoint& s) { return {0, s.phases, false}; }

}  // namespace

PerPhase draw_of(const Setpoint& s, int wired_phases, const std::array<policies::Phase, 3>& map) {
  PerPhase d{};
  if (!s.run) return d;
  for (int i = 0; i < used_phases(s, wired_phases); ++i) d[policies::phase_index(map[i])] += s.amps;
  return d;
}

WritePlan plan_writes(const std::vector<ChargerInForce>& in_force, const policies::Allocation& target,
                      const PlanOptions& options) {
  std::vector<PlannedWrite> reductions, increases;
  WritePlan plan;
  for (const auto& sp : target.setpoints) {
    auto it = std::find_if(in_force.begin(), in_force.end(), [&](const ChargerInForce& c) { return c.id == sp.id; });
    if (it == in_force.end()) continue;
    const ChargerInForce& c = *it;
    const Setpoint& from = c.in_force;
    const Setpoint& to = sp.setpoint;
    const auto& from_map = c.in_force_phase_map.value_or(c.phase_map);
    const bool map_changed = from_map != c.phase_map;
    if (c.may_be_paused && to.run) {
      reductions.push_back({sp.id, pause_of(from), false});
      increases.push_back({sp.id, to, true});
      continue;
    }
    if (c.at_least && to.run &&
        !at_most(draw_of(to, c.wired_phases, c.phase_map), draw_of(*c.at_least, c.wired_phases, from_map))) {
      // It may still run the lower of a failed write's two setpoints: from there the target
      // is a raise, so only what fits both goes with the reductions.
      const Setpoint both = smaller_of(to, *c.at_least, c.wired_phases);
      reductions.push_back({sp.id, map_changed ? pause_of(to) : both, false});
      increases.push_back({sp.id, to, true});
      continue;
    }
    if (same_command(from, to, c.wired_phases) && (!map_changed || !from.run)) {
      if (c.unknown) reductions.push_back({sp.id, to, true});  // no higher than the worst case
      continue;
    }

    // A phase switch of a charger that runs or may still be running: pause, wait, switch.
    const bool switches = to.run && used_phases(to, c.wired_phases) != used_phases(from, c.wired_phases);
    if (switches) {
      if (from.run) {
        reductions.push_back({sp.id, pause_of(from), false});
        plan.deferred.push_back({sp.id, to, options.now + options.car_follow_time});
      } else if (options.now - c.since < options.car_follow_time) {
        plan.deferred.push_back({sp.id, to, c.since + options.car_follow_time});
      } else {
        increases.push_back({sp.id, to, true});
      }
      continue;
    }

    const PerPhase before = draw_of(from, c.wired_phases, from_map);
    const PerPhase after = draw_of(to, c.wired_phases, c.phase_map);
    if (at_most(after, before)) {
      reductions.push_back({sp.id, to, true});
    } else if (at_most(before, after) && !map_changed) {
      increases.push_back({sp.id, to, true});
    } else {
      // Lowers one phase and raises another (or the map moved it): the per-phase minimum
      // of the two is, for a charger, a pause; the target follows once every reduction is in.
      reductions.push_back({sp.id, pause_of(from), false});
      increases.push_back({sp.id, to, true});
    }
  }
  if (!reductions.empty()) plan.stages.push_back(std::move(reductions));
  if (!increases.empty()) plan.stages.push_back(std::move(increases));
  return plan;
}

AfterWrite after_write(const AfterWrite& before, const Setpoint& target, WriteResult result) {
  switch (result) {
    case WriteResult::acknowledged: return {target, true, true};
    case WriteResult::refused: return before;
    case WriteResult::failed: break;
  }
  // Nothing on record stays nothing on record (the worst case, its maximum).
  if (!before.known) return {before.commanded, false, false};
  const Setpoint& a = before.commanded;
  if (!a.run) return {target, true, false};
  if (!target.run) return {a, true, false};
  return {{std::max(a.amps, target.amps), std::max(a.phases, target.phases), true}, true, false};
}

Setpoint smaller_of(const Setpoint& a, const Setpoint& b, int wired_phases) {
  if (a.run && b.run && used_phases(a, wired_phases) == used_phases(b, wired_phases))
    return {std::min(a.amps, b.amps), a.phases, true};
  return pause_of(a);
}

bool next_stage_may_start(const std::vector<WriteResult>& stage) {
  return std::all_of(stage.begin(), stage.end(), [](WriteResult r) { return r == WriteResult::acknowledged; });
}

}  // namespace ampgate::gateway
