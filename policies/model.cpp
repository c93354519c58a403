// From snapshot to constraint grid: validates the tree, works out every circuit's non-EV
// load, applies margins, stale-meter fallbacks and external limits, and reserves the
// worst-case draw of chargers that do not answer.
#include <algorithm>
#include <cmath>
#include "policies/detail.h"
#include "policies/id_index.h"

namespace ampgate::policies::detail {
namespace {

// Below this a phase counts as idle, above `drawing` as used (car on one phase only).
constexpr double idle_phase_amps = 1.0;
constexpr double drawing_phase_amps = 2.0;

bool fresh(const std::optional<Reading>& r, const PolicySettings& p, Seconds now) {
  return r && now - r->at <= p.meter_stale_after;
}

bool is_surplus_mode(Mode m) { return m == Mode::solar || m == Mode::eco || m == Mode::eco_plus; }

std::string validate_charger(const ChargerSnapshot& c) {
  if (c.wired_phases != 1 && c.wired_phases != 3)
    return "charger " + c.id + ": wired phases must be 1 or 3";
  if (c.wired_phases == 3) {
    std::array<int, 3> seen{};
    for (auto p : c.phase_map)
      if (phase_index(p) < 0 || phase_index(p) > 2 || seen[phase_index(p)]++)
        return "charger " + c.id + ": phase map must use L1, L2 and L3 once each";
  }
  if (!(c.min_current > 0) || !(c.max_current >= c.min_current))
    return "charger " + c.id + ": needs 0 < min current <= max current";
  if (!(c.failsafe_current >= 0)) return "charger " + c.id + ": failsafe current must be >= 0";
  return {};
}

void pick_cap(ChargerFacts& f, const ChargerSnapshot& c) {
  double cap = c.max_current;
  f.cap_reason = {ReasonKind::charger_max};
  if (c.ev_max && *c.ev_max <= cap) cap = *c.ev_max, f.cap_reason = {ReasonKind::ev_max};
  if (c.user_limit && *c.user_limit <= cap) cap = *c.user_limit, f.cap_reason = {ReasonKind::user_limit};
  f.cap = static_cast<int>(std::floor(std::max(0.0, cap) + eps));
  f.min = static_cast<int>(std::ceil(c.min_current - eps));
}

void read_draw(ChargerFacts& f, const ChargerSnapshot& c, const PolicySettings& p, Seconds now) {
  if (!fresh(c.reading, p, now)) return;
  PerPhase draw{};
  for (int i = 0; i < c.wired_phases; ++i)
    draw[phase_index(c.phase_map[i])] += std::max(0.0, c.reading->amps[i]);
  f.site_draw = draw;
  if (c.wired_phases != 3 || c.state != CarState::charging || f.phases != 3) return;
  // A car that only takes one phase while offered three: count it on that phase only.
  int drawing = -1, idle = 0;
  for (int i = 0; i < 3; ++i) {
    if (c.reading->amps[i] >= drawing_phase_amps) drawing = drawing < 0 ? i : 3;
    if (c.reading->amps[i] < idle_phase_amps) ++idle;
  }
  if (drawing >= 0 && drawing < 3 && idle == 2) f.single_phase = c.phase_map[drawing];
}

int initial_phases(const ChargerSnapshot& c, const ChargerMemory* m, PhaseMode mode) {
  const bool can = c.wired_phases == 3 && c.can_switch_phases;
  if (!can) return c.wired_phases;
  if (mode == PhaseMode::one) return 1;
  if (m && (m->phases == 1 || m->phases == 3)) return m->phases;
  return 3;
}

}  // namespace

Load load_of(const ChargerSnapshot& c, const ChargerFacts& f) {
  return f.single_phase ? load_on_phase(*f.single_phase) : load_on_phases(c.phase_map, f.phases);
}

Model build_model(const SiteSnapshot& site, const std::vector<ChargerMemory*>& memory, Seconds now) {
  Model m;
  const auto& pol = site.policy;
  auto& g = m.grid;
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
  for (std::size_t i = 0; i < circuits.size(); ++i) {
    if (!index.insert(circuits[i]->id, static_cast<int>(i)))
      return m.error = "circuit " + circuits[i]->id + " is listed twice", m;
    if (!(circuits[i]->limit >= 0) || !std::isfinite(circuits[i]->limit))
      return m.error = "circuit " + circuits[i]->id + ": limit must be a number >= 0", m;
  }
  const int n = static_cast<int>(circuits.size());
  g.parent.assign(n, -1);
  for (int i = 1; i < n; ++i) {
    g.parent[i] = index.find(circuits[i]->parent);
    if (g.parent[i] < 0)
      return m.error = "circuit " + circuits[i]->id + ": unknown parent \"" + circuits[i]->parent + "\"", m;
  }
  for (int i = 0; i < n; ++i) {
    int steps = 0;
    for (int c = i; c >= 0; c = g.parent[c])
      if (++steps > n) return m.error = "circuit " + circuits[i]->id + " is part of a loop", m;
  }

  // Chargers: facts and measured draw per circuit (subtracted from the meter readings).
  m.chargers.resize(site.chargers.size());
  std::vector<double> ev_draw(n * 3, 0.0);
  IdIndex charger_ids(site.chargers.size());
  for (std::size_t j = 0; j < site.chargers.size(); ++j) {
    const auto& c = site.chargers[j];
    auto& f = m.chargers[j];
    if (!charger_ids.insert(c.id, 0)) return m.error = "charger " + c.id + " is listed twice", m;
    if (auto e = validate_charger(c); !e.empty()) return m.error = e, m;
    f.circuit = index.find(c.circuit);
    if (f.circuit < 0) return m.error = "charger " + c.id + ": unknown circuit \"" + c.circuit + "\"", m;
    f.cls = !c.reachable                        ? Class::unreachable
            : c.state == CarState::fault        ? Class::fault
            : c.state == CarState::disconnected ? Class::no_car
            : c.mode == Mode::off               ? Class::off
                                                : Class::active;
    pick_cap(f, c);
    f.phases = initial_phases(c, memory[j], pol.phase_mode);
    read_draw(f, c, pol, now);
    f.switchable = c.wired_phases == 3 && c.can_switch_phases && pol.phase_mode != PhaseMode::one &&
                   !f.single_phase;
    // Only chargers we command (or reserve for) leave the non-EV load; a paused one that
    // is still ramping down keeps counting as load.
    if (f.site_draw && (f.cls == Class::active || f.cls == Class::unreachable))
      for (int c2 = f.circuit; c2 >= 0; c2 = g.parent[c2])
        for (int p = 0; p < 3; ++p) ev_draw[c2 * 3 + p] += (*f.site_draw)[p];
  }

  // Room per circuit and phase.
  const bool external = site.external && now < site.external->until;
  g.slack.assign(n * 3 + 1, unlimited);
  g.kind.assign(n * 3 + 1, LimitKind::fuse);
  g.ev_used.assign(n * 3 + 1, 0.0);
  PerPhase mains_load{};  // non-EV load on the mains, for the sum limit
  for (int i = 0; i < n; ++i) {
    const auto& c = *circuits[i];
    double limit = c.limit;
    LimitKind kind = LimitKind::fuse;
    if (i == 0 && external && site.external->per_phase && *site.external->per_phase < limit)
      limit = std::max(0.0, *site.external->per_phase), kind = LimitKind::external;
    const bool stale = c.metered && !fresh(c.reading, pol, now);
    for (int p = 0; p < 3; ++p) {
      double room = limit - pol.safety_margin;
      if (stale) {
        room = std::min(room, pol.meter_lost_fallback);
      } else if (c.metered) {
        // Generation below a fuse is not counted on: clouds are faster than we are.
        const double non_ev = std::max(0.0, c.reading->amps[p] - ev_draw[i * 3 + p]);
        room -= non_ev;
        if (i == 0) mains_load[p] = non_ev;
      }
      g.slack[i * 3 + p] = room;
      g.kind[i * 3 + p] = stale ? LimitKind::meter_stale : kind;
    }
  }
  std::optional<double> sum_limit = pol.max_sum_mains;
  if (external && site.external->sum && (!sum_limit || *site.external->sum < *sum_limit)) {
    sum_limit = site.external->sum;
    g.kind[g.sum()] = LimitKind::external;
  } else {
    g.kind[g.sum()] = LimitKind::sum;
  }
  if (sum_limit)
    g.slack[g.sum()] = *sum_limit - pol.safety_margin - (mains_load[0] + mains_load[1] + mains_load[2]);

  // Chargers that do not answer may still draw what they were last told (until their
  // watchdog expires), and their failsafe current after that.
  for (std::size_t j = 0; j < site.chargers.size(); ++j) {
    auto& f = m.chargers[j];
    if (f.cls != Class::unreachable) continue;
    const auto& c = site.chargers[j];
    const bool expired = now - c.last_seen >= c.watchdog_timeout;
    const double last = c.last_setpoint.run ? c.last_setpoint.amps : 0.0;
    f.reserve = expired ? c.failsafe_current : std::max(last, c.failsafe_current);
    const int phases = c.wired_phases == 1 ? 1 : (c.last_setpoint.phases == 1 ? 1 : 3);
    g.take(f.circuit, load_on_phases(c.phase_map, phases), f.reserve);
  }
  g.ev_used.assign(g.ev_used.size(), 0.0);  // reservations are not "priority"

  // Surplus for solar, eco and eco_plus: what is exported plus what they draw themselves.
  const bool mains_fresh = mains->metered && fresh(mains->reading, pol, now);
  if (mains_fresh) {
    double s = -(mains->reading->amps[0] + mains->reading->amps[1] + mains->reading->amps[2]);
    for (std::size_t j = 0; j < site.chargers.size(); ++j) {
      const auto& c = site.chargers[j];
      const auto& f = m.chargers[j];
      if (f.cls != Class::active || !is_surplus_mode(c.mode)) continue;
      if (f.site_draw) {
        s += (*f.site_draw)[0] + (*f.site_draw)[1] + (*f.site_draw)[2];
      } else if (c.state == CarState::charging && c.last_setpoint.run) {
        s += c.last_setpoint.amps * load_of(c, f).k;  // no reading: assume it takes its setpoint
      }
    }
    m.surplus = std::max(0.0, s);
  } else {
    m.surplus_missing = mains->metered ? Why{ReasonKind::meter_stale, -1, 0} : Why{ReasonKind::no_surplus_meter};
  }
  return m;
}

}  // namespace ampgate::policies::detail
