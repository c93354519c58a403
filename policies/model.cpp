// From snapshot to constraint grid: validates the tree, works out every circuit's non-EV
// ("household") load, applies margins, stale-meter fallbacks and external limits, and
// reserves every charger's floor (chargers.cpp).
#include <algorithm>
#include <cmath>
#include "policies/detail.h"
#include "policies/id_index.h"

namespace ampgate::policies::detail {
namespace {

bool is_surplus_mode(Mode m) { return m == Mode::solar || m == Mode::eco || m == Mode::eco_plus; }

// A limit that is not a number >= 0 counts as 0: it pauses what is under it, not the site.
double sane_limit(double v) { return std::isfinite(v) && v > 0 ? v : 0.0; }

}  // namespace

Load load_of(const ChargerSnapshot& c, const ChargerFacts& f) {
  if (!f.map_ok) return Load{};
  return f.single_phase ? load_on_phase(*f.single_phase) : load_on_phases(c.phase_map, f.phases);
}

Model build_model(const SiteSnapshot& site, const std::vector<ChargerMemory*>& memory, Seconds now) {
  Model m;
  const auto& pol = site.policy;
  auto& g = m.grid;
  if (!std::isfinite(now)) return m.error = "the time is not a number", m;
  IdIndex index(site.circuits.size());
  // The mains first, so that index 0 is the root.
  const CircuitSnapshot* mains = nullptr;
  for (const auto& c : site.circuits)
    if (c.id == mains_id) mains = &c;
  if (!mains) return m.error = "the circuit tree has no \"mains\"", m;
  auto& circuits = m.circuits;
  circuits.reserve(site.circuits.size());
  circuits.push_back(mains);
  for (const auto& c : site.circuits)
    if (&c != mains) circuits.push_back(&c);
  for (std::size_t i = 0; i < circuits.size(); ++i)
    if (!index.insert(circuits[i]->id, static_cast<int>(i)))
      return m.error = "circuit " + circuits[i]->id + " is listed twice", m;
  const int n = static_cast<int>(circuits.size());
  g.parent.assign(n, -1);
  for (int i = 1; i < n; ++i) {
    g.parent[i] = index.find(circuits[i]->parent);
    if (g.parent[i] < 0)
      return m.error = "circuit " + circuits[i]->id + ": unknown parent \"" + circuits[i]->parent + "\"", m;
  }
  std::vector<int> depth(n, 0);
  for (int i = 0; i < n; ++i)
    for (int c = g.parent[i]; c >= 0; c = g.parent[c])
      if (++depth[i] > n) return m.error = "circuit " + circuits[i]->id + " is part of a loop", m;

  charger_facts(site, memory, now, index, m.chargers);

  // What is subtracted for the chargers from each fresh meter: a draw known to hold at
  // that meter's sample time, at most its reading and so at most its floor.
  std::vector<char> fresh(n);
  for (int i = 0; i < n; ++i) fresh[i] = circuits[i]->metered && fresh_meter(circuits[i]->reading, pol, now);
  std::vector<double> ev_draw(n * 3, 0.0);
  for (std::size_t j = 0; j < site.chargers.size(); ++j) {
    const auto& f = m.chargers[j];
    if (!f.site_draw || f.circuit < 0) continue;
    for (int c2 = f.circuit; c2 >= 0; c2 = g.parent[c2]) {
      if (!fresh[c2]) continue;
      const PerPhase d = known_draw(site.chargers[j], f, circuits[c2]->reading->at, circuits[c2]->sample_age, pol);
      for (int p = 0; p < 3; ++p) ev_draw[c2 * 3 + p] += d[p];
    }
  }

  // Household per circuit, deepest first: its own meter minus the chargers, and never less
  // than what its metered sub-circuits see (an unmetered sub-panel above a metered garage).
  std::vector<PerPhase> household(n, PerPhase{});
  std::vector<char> known(n, 0);
  std::vector<Seconds> sample_at(n, unlimited);
  std::vector<int> by_depth(n);
  for (int i = 0; i < n; ++i) by_depth[i] = i;
  std::stable_sort(by_depth.begin(), by_depth.end(), [&](int a, int b) { return depth[a] > depth[b]; });
  // A metered circuit whose meter is stale (or never read) passes up the worst its fallback
  // assumes: its fuse full less margin less the fallback its chargers may share. Its own
  // household is unknown, and an unmetered parent (or a sum limit) must not count it as 0
  // (site model seeds 32, 1167: a sub-circuit's 7 A washer unseen behind a meter not yet read).
  const double margin = sane_margin(pol);
  const double fallback = pol.meter_lost_fallback > 0 ? pol.meter_lost_fallback : 0.0;
  std::vector<char> carried(n, 0);  // has a household (known or assumed) to pass up
  for (int i : by_depth) {
    if (fresh[i]) {
      known[i] = 1;
      sample_at[i] = std::min(sample_at[i], circuits[i]->reading->at);
      // Generation below a fuse is not counted on (clouds are faster than we are).
      for (int p = 0; p < 3; ++p)
        household[i][p] = std::max({household[i][p], 0.0, circuits[i]->reading->amps[p] - ev_draw[i * 3 + p]});
    }
    PerPhase passed = household[i];
    if (circuits[i]->metered && !fresh[i]) {
      carried[i] = 1;
      const double assumed = std::max(0.0, sane_limit(circuits[i]->limit) - margin - fallback);
      for (auto& v : passed) v = std::max(v, assumed);
    }
    const int up = g.parent[i];
    if (up < 0 || !(known[i] || carried[i])) continue;
    carried[up] = 1;
    if (known[i]) {
      known[up] = 1;
      sample_at[up] = std::min(sample_at[up], sample_at[i]);
    }
    for (int p = 0; p < 3; ++p) household[up][p] += passed[p];
  }

  // Room per circuit and phase.
  const bool external = site.external && in_force(*site.external, now);
  g.slack.assign(n * 3 + 2, unlimited);
  g.kind.assign(n * 3 + 2, LimitKind::fuse);
  g.ev_used.assign(n * 3 + 2, 0.0);
  m.estimates.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto& c = *circuits[i];
    double limit = sane_limit(c.limit);
    LimitKind kind = LimitKind::fuse;
    if (i == 0 && external && site.external->per_phase && !(*site.external->per_phase >= limit))
      limit = sane_limit(*site.external->per_phase), kind = LimitKind::external;
    const bool stale = c.metered && !fresh[i];
    CircuitEstimate e{c.id, std::nullopt, {}, known[i] ? sample_at[i] : 0};
    if (known[i]) e.household = household[i];
    for (int p = 0; p < 3; ++p) {
      double room = limit - margin - household[i][p];
      // The fallback is all its chargers may have, and never more than the limit allows.
      if (stale) room = std::min(room, fallback);
      g.slack[i * 3 + p] = room;
      g.kind[i * 3 + p] = stale ? LimitKind::meter_stale : kind;
      e.limit[p] = limit - margin;
    }
    m.estimates.push_back(std::move(e));
  }
  // The sums: max_sum_mains (a grace may hold chargers above it) and an external sum limit
  // (never graced). Both lose the margin and the mains' household load.
  const double mains_load = household[0][0] + household[0][1] + household[0][2];
  g.kind[g.sum()] = LimitKind::sum;
  g.kind[g.ext_sum()] = LimitKind::external;
  if (pol.max_sum_mains) g.slack[g.sum()] = sane_limit(*pol.max_sum_mains) - margin - mains_load;
  if (external && site.external->sum) g.slack[g.ext_sum()] = sane_limit(*site.external->sum) - margin - mains_load;

  // Floors of the chargers the sharing does not command, in every limit above them (all of
  // them when the circuit is unknown). Active chargers' floors are taken when their
  // setpoints are made safe (clamp_to_floors), so that the sharing can plan with the room
  // a reduction frees.
  for (const auto& f : m.chargers) {
    if (f.cls == Class::active) continue;
    if (f.circuit >= 0) {
      g.take_per_phase(f.circuit, f.floor);
      continue;
    }
    for (int i = 0; i < n; ++i)
      for (int p = 0; p < 3; ++p) g.slack[i * 3 + p] -= f.floor[p];
    for (int s : {g.sum(), g.ext_sum()}) g.slack[s] -= f.floor[0] + f.floor[1] + f.floor[2];
  }
  g.ev_used.assign(g.ev_used.size(), 0.0);  // reservations are not "priority"

  // Surplus for solar, eco and eco_plus: what is exported plus what they draw themselves.
  const bool mains_fresh = mains->metered && fresh_meter(mains->reading, pol, now);
  if (mains_fresh) {
    double s = -(mains->reading->amps[0] + mains->reading->amps[1] + mains->reading->amps[2]);
    for (std::size_t j = 0; j < site.chargers.size(); ++j) {
      const auto& c = site.chargers[j];
      const auto& f = m.chargers[j];
      if (f.cls != Class::active || !is_surplus_mode(c.mode)) continue;
      if (f.site_draw) {
        s += (*f.site_draw)[0] + (*f.site_draw)[1] + (*f.site_draw)[2];
      } else if (c.state == CarState::charging && c.last_setpoint.run) {
        s += std::min<double>(c.last_setpoint.amps, max_charger_amps) * load_of(c, f).k;  // no reading: assume it takes its setpoint
      }
    }
    m.surplus = std::max(0.0, s);
  } else {
    m.surplus_missing = mains->metered ? Why{ReasonKind::meter_stale, -1, 0} : Why{ReasonKind::no_surplus_meter};
  }
  return m;
}

}  // namespace ampgate::policies::detail
