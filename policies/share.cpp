// Sharing the room in the grid among the chargers that want current.
//  priority: in rank order, each takes what it can (or pauses below its minimum).
//  equal:    in rank order each is admitted at its minimum while that fits, then all
//            admitted chargers rise together one amp at a time (integer water-filling,
//            max-min fair per phase across the tree) until a limit or their cap stops them.
#include <algorithm>
#include <cmath>

#include "policies/detail.h"

namespace ampgate::policies::detail {
namespace {

struct Sharer {
  const SiteSnapshot& site;
  Grid& grid;
  const std::vector<ChargerFacts>& facts;
  const std::vector<Load>& loads;
  const std::vector<Demand>& demands;
  bool grace;
  Shared& r;
  std::vector<char> fixed;

  void record_turn(int j) {
    if (!facts[j].switchable) return;
    const int c = facts[j].circuit;
    for (int p = 0; p < 3; ++p)
      r.room_at_turn[j][p] = grid.room(c, load_on_phase(static_cast<Phase>(p)), nullptr, true);
    r.sum_room_at_turn[j] = std::min(grid.slack[grid.sum()], grid.slack[grid.ext_sum()]);
  }

  bool was_running(int j) const {
    const auto& last = site.chargers[j].last_setpoint;
    return last.run && last.amps > 0;
  }

  Why limit_reason(int limit, bool priority_mode) const { return grid.limit_reason(limit, priority_mode); }

  // The sum limit is not a fuse: a running charger it would pause may stay at its minimum
  // for the grace time.
  bool hold_in_grace(int j, int binding) {
    if (binding != grid.sum() || !was_running(j)) return false;
    r.sum_pause_pending = true;
    if (!grace) return false;
    const auto& d = demands[j];
    if (grid.room(facts[j].circuit, loads[j], nullptr, true) + eps < d.min) return false;
    grid.take(facts[j].circuit, loads[j], d.min, true);
    r.amps[j] = d.min;
    r.reasons[j] = {ReasonKind::sum_limit, -1, 0};
    fixed[j] = 1;
    r.grace_held[j] = 1;
    return true;
  }

  void priority(const std::vector<int>& order) {
    for (int j : order) {
      record_turn(j);
      const auto& d = demands[j];
      if (!d.want) continue;
      int binding = -1;
      const double room = grid.room(facts[j].circuit, loads[j], &binding);
      const int amount = std::min<double>(d.cap, std::floor(room + eps));
      if (amount >= d.min) {
        r.reasons[j] = amount == d.cap ? d.cap_reason : limit_reason(binding, true);
        grid.take(facts[j].circuit, loads[j], amount);
        r.amps[j] = amount;
      } else if (!hold_in_grace(j, binding)) {
        r.reasons[j] = limit_reason(binding, true);
      }
    }
  }

  void equal(const std::vector<int>& tier) {
    std::vector<int> rising;
    for (int j : tier) {
      record_turn(j);
      const auto& d = demands[j];
      if (!d.want) continue;
      int binding = -1;
      const double room = grid.room(facts[j].circuit, loads[j], &binding);
      if (room + eps < d.min) {
        if (!hold_in_grace(j, binding)) r.reasons[j] = limit_reason(binding, false);
        continue;
      }
      grid.take(facts[j].circuit, loads[j], d.min);
      r.amps[j] = d.min;
      r.reasons[j] = d.cap_reason;
      if (d.cap > d.min && !d.fixed_at_min) rising.push_back(j);
    }
    // Every round lifts the lowest by one amp; a charger leaves when a limit stops it
    // (limits only tighten, so it never fits again) or at its cap.
    std::vector<int> next;
    while (!rising.empty()) {
      int level = r.amps[rising.front()];
      for (int j : rising) level = std::min(level, r.amps[j]);
      next.clear();
      for (int j : rising) {
        if (r.amps[j] > level) {
          next.push_back(j);
          continue;
        }
        int binding = -1;
        if (grid.room(facts[j].circuit, loads[j], &binding) + eps < 1.0) {
          r.reasons[j] = limit_reason(binding, false);
          continue;
        }
        grid.take(facts[j].circuit, loads[j], 1.0);
        if (++r.amps[j] < demands[j].cap) next.push_back(j);
      }
      rising.swap(next);
    }
  }
};

}  // namespace

Shared share(const SiteSnapshot& site, Grid grid, const std::vector<ChargerFacts>& facts,
             const std::vector<Load>& loads, const std::vector<Demand>& demands,
             const std::vector<int>& order, bool sum_grace_active) {
  const std::size_t n = facts.size();
  Shared r;
  r.amps.assign(n, 0);
  r.reasons.resize(n);
  for (std::size_t j = 0; j < n; ++j) r.reasons[j] = demands[j].pause_reason;
  r.room_at_turn.assign(n, PerPhase{unlimited, unlimited, unlimited});
  r.sum_room_at_turn.assign(n, unlimited);
  r.grace_held.assign(n, 0);
  Sharer s{site, grid, facts, loads, demands, sum_grace_active, r, std::vector<char>(n, 0)};
  if (site.policy.sharing == Sharing::priority) {
    s.priority(order);
    return r;
  }
  // Mixed phase mode: 3-phase chargers first, then 1-phase ones on what is left.
  if (site.policy.phase_mode != PhaseMode::mixed) {
    s.equal(order);
    return r;
  }
  std::vector<int> tier;
  for (int k : {3, 1}) {
    tier.clear();
    for (int j : order)
      if ((loads[j].k == 3) == (k == 3)) tier.push_back(j);
    s.equal(tier);
  }
  return r;
}

void clamp_to_floors(const SiteSnapshot& site, Grid grid, const std::vector<ChargerFacts>& facts,
                     const std::vector<Load>& loads, const std::vector<Demand>& demands,
                     const std::vector<int>& order, Shared& r) {
  for (int j : order) grid.take_per_phase(facts[j].circuit, facts[j].floor);
  const bool priority_mode = site.policy.sharing == Sharing::priority;
  // Rank order: a reduction needs no room (its floor is taken), so only raises compete,
  // and the higher-ranked ones keep theirs.
  for (int j : order) {
    const auto& d = demands[j];
    // A charger the sharing paused for want of room may fit now that cuts above freed some.
    const int want = r.amps[j] > 0 ? r.amps[j] : d.want ? d.cap : 0;  // (held: cap = min)
    if (want == 0) continue;
    const auto& f = facts[j];
    const bool graced = r.grace_held[j];
    int binding = -1;
    double room = grid.room_above(f.circuit, loads[j], f.floor, &binding, graced);
    // A setpoint no higher than both the charger's floor and its command in force costs
    // nothing on a phase (that much is taken already): a reduction is never cut further,
    // even when the floors together are over a limit (a load step: every charger comes down
    // to its share, none is paused). Not up to the whole floor: the rest of a floor is what
    // the charger *may* draw (an older offer its car may still be rising toward), and a
    // setpoint above the command in force is a raise for the write plan, which makes that
    // draw certain while the others' floors hold the room (site model seeds 2049, 9141,
    // 23008). A charger whose command is not known, or that the plan pauses first
    // (paused_first: a reboot not yet answered), is raised from a pause: nothing is free.
    // Only for the sharing's own setpoint: one it paused stays paused (a stale meter's 0 A
    // fallback must not leave a charger running at what it draws).
    if (r.amps[j] > 0) {
      const auto& c = site.chargers[j];
      const PerPhase in_force = c.setpoint_known && !c.paused_first ? offer_of(c, c.last_setpoint) : PerPhase{};
      double free_up_to = unlimited;
      for (int p = 0; p < 3; ++p)
        if (loads[j].coef[p]) free_up_to = std::min(free_up_to, std::min(f.floor[p], in_force[p]));
      room = std::max(room, std::min(static_cast<double>(want), free_up_to));
    }
    int amps = want;
    if (room + eps < want) {
      amps = static_cast<int>(std::floor(std::max(0.0, room) + eps));
      if (amps < d.min) amps = 0;
      if (amps > 0 || r.amps[j] > 0) r.reasons[j] = grid.limit_reason(binding, priority_mode);
    } else if (r.amps[j] == 0) {
      r.reasons[j] = d.cap_reason;
    }
    if (amps > 0) grid.take_above(f.circuit, loads[j], f.floor, 0, amps, graced);
    r.amps[j] = amps;
  }
}

}  // namespace ampgate::policies::detail
