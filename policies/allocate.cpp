// The order of decisions (docs/policies.md): model the grid -> modes ask -> share the
// room -> reconsider phase counts (and share again if one changed) -> reductions first.
#include "policies/allocate.h"

#include <algorithm>
#include <cmath>

#include "policies/detail.h"

namespace ampgate::policies {
namespace {

using namespace detail;

struct Pass {
  std::vector<Load> loads;
  std::vector<int> order;
  std::vector<Demand> demands;
  std::vector<ChargerMemory> memory;
  Shared shared;
};

bool sum_grace_active(const SiteSnapshot& site, const PolicyMemory& memory, Seconds now) {
  const auto& p = site.policy;
  return p.max_sum_mains_grace > 0 &&
         (!memory.sum_over_since || now - *memory.sum_over_since < p.max_sum_mains_grace);
}

// Chargers that take part, by rank: (priority sharing: higher priority first), earlier
// session first, then snapshot order. Sorted once per call: a second pass only changes
// phase counts, which run_pass folds in with a stable partition.
std::vector<int> rank_active(const SiteSnapshot& site, const Model& model) {
  const bool by_priority = site.policy.sharing == Sharing::priority;
  struct Key {
    int priority;
    Seconds start;
    int j;
    bool operator<(const Key& o) const {
      if (priority != o.priority) return priority > o.priority;
      return start < o.start;
    }
  };
  std::vector<Key> keys;
  keys.reserve(site.chargers.size());
  for (std::size_t j = 0; j < site.chargers.size(); ++j) {
    if (model.chargers[j].cls != Class::active) continue;
    const auto& c = site.chargers[j];
    // A start that is not a number sorts last (NaN would break the sort's ordering).
    const Seconds start = std::isfinite(c.session_start) ? c.session_start : unlimited;
    keys.push_back({by_priority ? c.priority : 0, start, static_cast<int>(j)});
  }
  std::stable_sort(keys.begin(), keys.end());  // ties keep snapshot order
  std::vector<int> order(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].j;
  return order;
}

Pass run_pass(const SiteSnapshot& site, const Model& model, const std::vector<int>& ranked,
              const std::vector<ChargerMemory>& in, bool grace, Seconds now) {
  Pass pass;
  const std::size_t n = site.chargers.size();
  pass.loads.resize(n);
  for (std::size_t j = 0; j < n; ++j) pass.loads[j] = load_of(site.chargers[j], model.chargers[j]);  // {} for a bad map
  // Mixed phase mode ranks every 3-phase charger before the 1-phase ones.
  pass.order = ranked;
  if (site.policy.phase_mode == PhaseMode::mixed)
    std::stable_partition(pass.order.begin(), pass.order.end(), [&](int j) { return pass.loads[j].k == 3; });
  pass.demands = decide_modes(site, model, pass.loads, pass.order, in, pass.memory, now);
  pass.shared = share(site, model.grid, model.chargers, pass.loads, pass.demands, pass.order, grace);
  return pass;
}

// Automatic 3 -> 1 when a phase has less than the minimum left for this charger, and
// 1 -> 3 when all three have the minimum plus hysteresis; never before the dwell time.
bool choose_phases(const SiteSnapshot& site, Model& model, const Pass& pass,
                   const std::vector<ChargerMemory>& in, Seconds now) {
  const auto& pol = site.policy;
  bool changed = false;
  for (int j : pass.order) {
    auto& f = model.chargers[j];
    const auto& c = site.chargers[j];
    if (!f.switchable || f.cap < f.min || c.mode == Mode::off) continue;
    if (in[j].phases_since && now - *in[j].phases_since < pol.phase_switch_min_dwell) continue;
    const auto& room = pass.shared.room_at_turn[j];
    const double sum = pass.shared.sum_room_at_turn[j];
    double room3 = std::min({room[phase_index(c.phase_map[0])], room[phase_index(c.phase_map[1])],
                             room[phase_index(c.phase_map[2])], sum / 3});
    double room1 = std::min(room[phase_index(c.phase_map[0])], sum);
    if (c.mode == Mode::solar) {  // the other modes may top up from the grid
      room3 = std::min(room3, pass.demands[j].surplus_at_turn / 3);
      room1 = std::min(room1, pass.demands[j].surplus_at_turn);
    }
    if (f.phases == 3 && room3 + eps < f.min && room1 + eps >= f.min) {
      f.phases = 1, changed = true;
    } else if (f.phases == 1 && room3 + eps >= f.min + pol.phase_switch_hysteresis) {
      f.phases = 3, changed = true;
    }
  }
  return changed;
}

}  // namespace

Allocation allocate(const SiteSnapshot& site, PolicyMemory& memory, Seconds now) {
  Allocation out;
  const std::size_t n = site.chargers.size();
  // One slot per charger in the memory (created empty for a new charger).
  std::vector<ChargerMemory*> slots(n);
  for (std::size_t j = 0; j < n; ++j) slots[j] = &memory.chargers[site.chargers[j].id];
  Model model = build_model(site, slots, now);
  if (!model.error.empty()) {
    out.error = model.error;
    for (const auto& c : site.chargers)
      out.setpoints.push_back({c.id, Setpoint{0, c.last_setpoint.phases, false},
                               Reason{ReasonKind::invalid_site, {}, {}}});
    return out;
  }
  std::vector<ChargerMemory> in(n);
  for (std::size_t j = 0; j < n; ++j) in[j] = *slots[j];

  const bool grace = sum_grace_active(site, memory, now);
  const std::vector<int> phases_before = [&] {
    std::vector<int> v(n);
    for (std::size_t j = 0; j < n; ++j) v[j] = model.chargers[j].phases;
    return v;
  }();
  const std::vector<int> ranked = rank_active(site, model);
  Pass pass = run_pass(site, model, ranked, in, grace, now);
  if (choose_phases(site, model, pass, in, now)) pass = run_pass(site, model, ranked, in, grace, now);
  clamp_to_floors(site, model.grid, model.chargers, pass.loads, pass.demands, pass.order, pass.shared);

  // Memory: timers from the final pass, phase choices with the time they changed.
  for (std::size_t j = 0; j < n; ++j) {
    auto& m = pass.memory[j];
    m.phases = model.chargers[j].phases;
    if (m.phases != phases_before[j]) m.phases_since = now;
    *slots[j] = m;
  }
  if (pass.shared.sum_pause_pending) {
    if (!memory.sum_over_since) memory.sum_over_since = now;
  } else {
    memory.sum_over_since.reset();
  }

  // Setpoints, reductions first: group 0 lowers a draw and raises none, 1 changes nothing,
  // 2 raises one. Grouped by index so each setpoint is built once, in its final place.
  std::vector<Setpoint> setpoints(n);
  std::vector<std::uint8_t> group(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& c = site.chargers[j];
    const auto& f = model.chargers[j];
    if (f.cls == Class::unreachable) {
      setpoints[j] = c.last_setpoint;  // nothing can be commanded; its draw is reserved
    } else {
      const int amps = pass.shared.amps[j];
      setpoints[j] = Setpoint{amps, f.phases, amps > 0};
    }
    if (setpoints[j] == c.last_setpoint) {  // the steady state: nothing to compare
      group[j] = 1;
      continue;
    }
    if (!f.map_ok) {  // paused: where its phases land does not matter for a pause
      group[j] = c.last_setpoint.run ? 0 : 1;
      continue;
    }
    const auto before = offer_of(c, c.last_setpoint), after = offer_of(c, setpoints[j]);
    bool lower = false, higher = false;
    for (int p = 0; p < 3; ++p) lower |= after[p] < before[p], higher |= after[p] > before[p];
    group[j] = higher ? 2 : lower ? 0 : 1;
  }
  out.setpoints.reserve(n);
  for (std::uint8_t g = 0; g < 3; ++g)
    for (std::size_t j = 0; j < n; ++j)
      if (group[j] == g)
        out.setpoints.push_back({site.chargers[j].id, setpoints[j], to_reason(pass.shared.reasons[j], model.circuits)});
  out.circuits = std::move(model.estimates);
  return out;
}

}  // namespace ampgate::policies
