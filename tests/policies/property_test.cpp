// The product's promise, checked on 10 000 generated sites: whenever the non-EV load and the
// chargers' floors (measured draws, worst cases of silent or unknown chargers) fit, what is
// allocated above the floors stays within every limit on every phase; no
// setpoint between 0 and the minimum; none above the charger's maximum; nobody paused
// while its minimum would fit; equal sharing is max-min fair. The checker below works the
// loads out on its own from the snapshot, not from the allocator's internals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "policies/allocate.h"
#include "tests/policies/case_file.h"
#include "tests/policies/site_generator.h"

namespace ampgate::policies::test {
namespace {

constexpr double tol = 1e-6;

// The checker's own reading of the reservation rules (docs/policies.md "Reservations").
struct Floors {
  const SiteSnapshot& s;
  Seconds now;

  bool fresh(const std::optional<Reading>& r) const {
    return r && now - r->at <= s.policy.meter_stale_after && std::isfinite(r->amps[0]) &&
           std::isfinite(r->amps[1]) && std::isfinite(r->amps[2]);
  }
  static std::array<int, 3> coef_of(const ChargerSnapshot& c, int phases) {
    std::array<int, 3> k{};
    for (int i = 0; i < (c.wired_phases == 1 || phases == 1 ? 1 : 3); ++i) k[static_cast<int>(c.phase_map[i])] = 1;
    return k;
  }
  static std::array<double, 3> offer(const ChargerSnapshot& c, const Setpoint& sp) {
    std::array<double, 3> o{};
    if (!sp.run || sp.amps <= 0) return o;
    const auto k = coef_of(c, sp.phases);
    for (int p = 0; p < 3; ++p) o[p] = sp.amps * k[p];
    return o;
  }
  bool active(const ChargerSnapshot& c) const {
    return c.reachable && c.state != CarState::fault && c.state != CarState::disconnected && c.mode != Mode::off &&
           std::floor(c.max_current + 1e-9) >= std::ceil(c.min_current - 1e-9);
  }
  // What the charger is measured to draw, per site phase.
  std::optional<std::array<double, 3>> measured(const ChargerSnapshot& c) const {
    if (!fresh(c.reading)) return std::nullopt;
    std::array<double, 3> m{};
    for (int i = 0; i < c.wired_phases; ++i) m[static_cast<int>(c.phase_map[i])] += std::max(0.0, c.reading->amps[i]);
    return m;
  }
  // Offers the car may still be on its way to (docs/policies.md "Reservations"): each one
  // until a follow time after the next replaced it, unless the car was read at it, or a
  // follow time or more into it, while it held (settled), or read after it lower than an
  // earlier reading and below it (left it).
  std::array<double, 3> still_rising(const ChargerSnapshot& c) const {
    std::array<double, 3> out{};
    const auto& r = c.recent_setpoints;
    const Seconds f = std::isfinite(s.policy.car_follow_time) && s.policy.car_follow_time >= 0 ? s.policy.car_follow_time : 5;
    std::vector<Reading> seen;
    if (c.reading) seen.push_back(*c.reading);
    for (const auto& e : c.earlier_readings) seen.push_back(e);
    for (std::size_t i = 0; i < r.size(); ++i) {
      const double begin = r[i].from, until = i + 1 < r.size() ? r[i + 1].from : 1e300;
      const bool dated = std::isfinite(begin) && std::isfinite(until);
      if (dated && until <= now - f) continue;
      const auto o = offer(c, r[i].setpoint);
      bool done = false;
      for (const auto& a : seen) {
        if (!std::isfinite(a.at)) continue;
        if (dated && a.at >= begin + f && a.at <= until) done = true;
        bool at_offer = dated && a.at >= begin && a.at <= until;
        for (int ci = 0; ci < c.wired_phases; ++ci) at_offer = at_offer && a.amps[ci] >= o[static_cast<int>(c.phase_map[ci])] - 1;
        if (at_offer) done = true;
        for (const auto& b : seen)
          for (int ci = 0; ci < c.wired_phases && dated && a.at > until && b.at < a.at; ++ci)
            if (a.amps[ci] < b.amps[ci] - 1 && a.amps[ci] < o[static_cast<int>(c.phase_map[ci])] - 1) done = true;
      }
      if (!done)
        for (int p = 0; p < 3; ++p) out[p] = std::max(out[p], o[p]);
    }
    return out;
  }
  // Reserved whatever it is offered: the measured draw, or the worst it may be running;
  // with a known setpoint also the offers the car may still be rising toward.
  std::array<double, 3> floor(const ChargerSnapshot& c) const {
    auto f = base_floor(c);
    if (c.setpoint_known) {
      const auto held = still_rising(c);
      for (int p = 0; p < 3; ++p) f[p] = std::max(f[p], held[p]);
    }
    return f;
  }
  std::array<double, 3> base_floor(const ChargerSnapshot& c) const {
    std::array<double, 3> f{};
    const auto m = measured(c);
    const bool uncertain = !c.reachable || !c.setpoint_known;
    if ((active(c) && !uncertain) || (!uncertain && m)) return m.value_or(f);
    const bool run = c.last_setpoint.run && c.last_setpoint.amps > 0;
    double amps = run ? c.last_setpoint.amps : (c.setpoint_known ? 0 : c.max_current);
    int phases = run || c.setpoint_known ? c.last_setpoint.phases : c.wired_phases;
    if (!c.reachable) {
      if (c.watchdog_verified && now - c.last_seen >= c.watchdog_timeout) {
        amps = c.failsafe_current;
        phases = c.setpoint_known ? c.last_setpoint.phases : c.wired_phases;
      } else if (c.failsafe_current > amps) {
        amps = c.failsafe_current;
        if (c.last_setpoint.phases == 3) phases = 3;
      }
    }
    const auto k = coef_of(c, phases);
    for (int p = 0; p < 3; ++p) f[p] = std::max(amps * k[p], m ? (*m)[p] : 0.0);
    return f;
  }
  // The most that may be subtracted for it from a meter sample taken at t: the reading if
  // close to t with one offer around both, else no more than the lowest offer in force.
  // Offers older than the first one the reading (taken before t) may be following are
  // left: the car follows its offers in order.
  std::array<double, 3> subtract(const ChargerSnapshot& c, Seconds t) const {
    const auto m = measured(c);
    if (!m || !c.setpoint_known) return {};
    const Seconds tr = c.reading->at, lo = std::min(tr, t) - s.policy.car_follow_time, hi = std::max(tr, t);
    std::vector<Setpoint> in_force;
    const auto& r = c.recent_setpoints;
    auto in_window = [&](std::size_t i, Seconds end) {
      return (i == 0 || r[i].from <= end) && !(i + 1 < r.size() && r[i + 1].from <= lo);
    };
    std::size_t from = 0;
    for (std::size_t i = 0; tr <= t && i < r.size() && (i == 0 || r[i].from <= tr); ++i) {
      if (!in_window(i, tr)) continue;
      const auto o = offer(c, r[i].setpoint);
      if ((*m)[0] <= o[0] + 1 && (*m)[1] <= o[1] + 1 && (*m)[2] <= o[2] + 1) {
        from = i;
        break;
      }
    }
    for (std::size_t i = from; i < r.size(); ++i)
      if (in_window(i, hi)) in_force.push_back(r[i].setpoint);
    if (r.empty()) in_force.push_back(c.last_setpoint);
    if (in_force.size() == 1 && std::abs(tr - t) <= 0.25) return *m;
    auto d = *m;
    for (const auto& sp : in_force) {
      const auto o = offer(c, sp);
      for (int p = 0; p < 3; ++p) d[p] = std::min(d[p], o[p]);
    }
    return d;
  }
};

struct Checker {
  const SiteSnapshot& s;
  Seconds now;
  const Allocation& a;
  std::ostringstream why;

  std::optional<std::string> run() {
    const Floors rules{s, now};
    const std::size_t nc = s.circuits.size(), n = s.chargers.size();
    std::map<std::string, int> index;
    for (std::size_t i = 0; i < nc; ++i) index[s.circuits[i].id] = static_cast<int>(i);
    auto parent = [&](int c) { return s.circuits[c].parent.empty() ? -1 : index.at(s.circuits[c].parent); };
    const bool external = s.external && now < s.external->until;
    const double margin = std::max(0.0, s.policy.safety_margin);

    // Per charger: its floor, what it is allowed to draw now (allocated), and what it is
    // reserved at: the larger of the two on every phase.
    std::vector<std::array<double, 3>> alloc(n), floors(n), raise(n);
    std::vector<std::array<int, 3>> coef(n);
    std::vector<const ChargerSetpoint*> out(n);
    bool floors_bind = false;
    for (std::size_t j = 0; j < n; ++j) {
      const auto& c = s.chargers[j];
      out[j] = a.find(c.id);
      if (!out[j]) return "no setpoint for " + c.id;
      floors[j] = rules.floor(c);
      const auto& sp = out[j]->setpoint;
      std::array<int, 3> k = Floors::coef_of(c, sp.phases);
      if (const auto m = rules.measured(c)) {
        int drawing = 0, idle = 0, at = -1;
        for (int i = 0; i < 3; ++i) {
          if (c.reading->amps[i] >= 2.0) ++drawing, at = i;
          if (c.reading->amps[i] < 1.0) ++idle;
        }
        const int phases = c.wired_phases == 1 ? 1 : sp.phases;
        if (c.wired_phases == 3 && phases == 3 && c.state == CarState::charging && drawing == 1 && idle == 2) {
          k = {};
          k[static_cast<int>(c.phase_map[at])] = 1;
        }
      }
      coef[j] = k;
      if (!c.reachable) {
        if (!(sp == c.last_setpoint)) return c.id + ": unreachable but commanded";
        continue;
      }
      if (sp.run != (sp.amps > 0)) return c.id + ": run flag does not match " + std::to_string(sp.amps) + " A";
      if (sp.amps > 0 && sp.amps < std::ceil(c.min_current - 1e-9))
        return c.id + ": " + std::to_string(sp.amps) + " A is between 0 and the minimum";
      double cap = c.max_current;
      if (c.ev_max) cap = std::min(cap, *c.ev_max);
      if (c.user_limit) cap = std::min(cap, *c.user_limit);
      if (sp.amps > cap + tol) return c.id + ": " + std::to_string(sp.amps) + " A is above its maximum";
      for (int p = 0; p < 3; ++p) {
        alloc[j][p] = sp.amps * k[p];
        raise[j][p] = std::max(0.0, alloc[j][p] - floors[j][p]);
        if (rules.active(c) && floors[j][p] > alloc[j][p] + tol) floors_bind = true;
      }
    }

    // Household per circuit, deepest first: its meter minus what may be subtracted for the
    // chargers under it, at least the sum of its children's.
    std::vector<std::vector<int>> members(nc), children(nc);
    for (std::size_t j = 0; j < n; ++j)
      for (int c = index.at(s.chargers[j].circuit); c >= 0; c = parent(c)) members[c].push_back(static_cast<int>(j));
    for (std::size_t ci = 0; ci < nc; ++ci)
      if (parent(static_cast<int>(ci)) >= 0) children[parent(static_cast<int>(ci))].push_back(static_cast<int>(ci));
    std::vector<std::array<double, 3>> household(nc), passed(nc);  // passed: what its parent counts
    std::vector<char> done(nc, 0);
    std::function<void(int)> estimate = [&](int ci) {
      if (done[ci]) return;
      done[ci] = 1;
      std::array<double, 3> h{};
      for (int k : children[ci]) {
        estimate(k);
        for (int p = 0; p < 3; ++p) h[p] += passed[k][p];
      }
      const auto& c = s.circuits[ci];
      if (c.metered && rules.fresh(c.reading)) {
        std::array<double, 3> ev{};
        for (int j : members[ci]) {
          const auto d = rules.subtract(s.chargers[j], c.reading->at);
          for (int p = 0; p < 3; ++p) ev[p] += d[p];
        }
        for (int p = 0; p < 3; ++p) h[p] = std::max(h[p], c.reading->amps[p] - ev[p]);
      }
      household[ci] = h;
      if (c.metered && !rules.fresh(c.reading))  // stale: its parent counts the worst the fallback assumes
        for (int p = 0; p < 3; ++p) h[p] = std::max(h[p], c.limit - margin - std::max(0.0, s.policy.meter_lost_fallback));
      passed[ci] = h;
    };
    for (std::size_t ci = 0; ci < nc; ++ci) estimate(static_cast<int>(ci));

    // Every circuit and phase: background (household + floors) and what was raised above it.
    std::vector<std::array<double, 3>> slack(nc);
    const int mains = index.at(mains_id);
    for (std::size_t ci = 0; ci < nc; ++ci) {
      const auto& c = s.circuits[ci];
      const bool stale = c.metered && !rules.fresh(c.reading);
      double limit = c.limit;
      if (static_cast<int>(ci) == mains && external && s.external->per_phase)
        limit = std::min(limit, std::max(0.0, *s.external->per_phase));
      for (int p = 0; p < 3; ++p) {
        double res = 0, used = 0;
        for (int j : members[ci]) res += floors[j][p], used += raise[j][p];
        const double non_ev = household[ci][p];
        const double allowed = limit - margin - (stale ? 0 : non_ev);
        const double chargers_allowed = stale ? std::min(std::max(0.0, s.policy.meter_lost_fallback), allowed - non_ev) : allowed;
        slack[ci][p] = chargers_allowed - res - used;
        if (res <= chargers_allowed + tol ? res + used > chargers_allowed + tol : used > tol) {
          why << "circuit " << c.id << " L" << p + 1 << ": household " << non_ev << " A, floors " << res
              << " A + raised " << used << " A > allowed " << chargers_allowed << " A";
          return why.str();
        }
      }
    }
    // The sums of the mains phases: max_sum_mains (not checked while a grace time may hold
    // chargers) and an external sum (always).
    const double mains_non_ev = household[mains][0] + household[mains][1] + household[mains][2];
    double res = 0, used = 0;
    for (std::size_t j = 0; j < n; ++j)
      for (int p = 0; p < 3; ++p) used += raise[j][p], res += floors[j][p];
    const bool grace = s.policy.max_sum_mains && s.policy.max_sum_mains_grace > 0;
    double sum_slack = 1e18;
    for (int which = 0; which < 2; ++which) {
      std::optional<double> limit = which == 0 ? s.policy.max_sum_mains
                                               : (external ? s.external->sum : std::nullopt);
      if (!limit) continue;
      const double allowed = std::max(0.0, *limit) - margin - mains_non_ev;
      sum_slack = std::min(sum_slack, allowed - res - used);
      if (which == 0 && grace) continue;
      if (res <= allowed + tol ? res + used > allowed + tol : used > tol)
        return std::string(which ? "external" : "max_sum_mains") + " sum: floors " + std::to_string(res) +
               " A + raised " + std::to_string(used) + " A > " + std::to_string(allowed) + " A";
    }

    // Nobody paused by a limit while its minimum would fit; equal sharing max-min fair
    // (checked when no measured draw held a charger above its setpoint).
    const bool check_fair = s.policy.sharing == Sharing::equal && s.policy.phase_mode != PhaseMode::mixed && !grace &&
                            !floors_bind;
    for (std::size_t j = 0; j < n; ++j) {
      const auto& c = s.chargers[j];
      if (!c.reachable) continue;
      const auto kind = out[j]->reason.kind;
      const bool by_limit = kind == ReasonKind::fuse || kind == ReasonKind::meter_stale ||
                            kind == ReasonKind::external_limit || kind == ReasonKind::sum_limit ||
                            kind == ReasonKind::priority;
      // A stale mains meter also leaves solar and eco_plus without a surplus figure.
      const bool surplus_unknown = kind == ReasonKind::meter_stale && out[j]->reason.circuit == mains_id &&
                                   (c.mode == Mode::solar || c.mode == Mode::eco_plus);
      if (!by_limit || surplus_unknown) continue;
      int k = 0;
      for (int p = 0; p < 3; ++p) k += coef[j][p];
      const int amps = out[j]->setpoint.amps;
      if (amps == 0) {
        // Would its minimum fit above its own floor in every limit on its path?
        const double min = std::ceil(c.min_current - 1e-9);
        bool fits = true;
        double sum_cost = 0;
        for (int p = 0; p < 3; ++p) {
          if (!coef[j][p]) continue;
          const double cost = std::max(min, floors[j][p]) - floors[j][p];
          sum_cost += cost;
          for (int ci = index.at(c.circuit); ci >= 0; ci = parent(ci)) fits &= cost <= slack[ci][p] + tol;
        }
        fits &= sum_cost <= sum_slack + tol;
        if (fits) return c.id + ": paused (" + to_string(out[j]->reason) + ") although its minimum fits";
        continue;
      }
      if (!check_fair) continue;
      // Max-min fair: some limit on its path is full for it, and nobody above their
      // minimum in that limit has more than one amp (three on the sum limit) above it.
      bool has_bottleneck = false;
      for (int ci = index.at(c.circuit); ci >= 0 && !has_bottleneck; ci = parent(ci)) {
        for (int p = 0; p < 3 && !has_bottleneck; ++p) {
          if (!coef[j][p] || slack[ci][p] + tol >= 1.0) continue;
          bool fair = true;
          for (int o : members[ci])
            if (coef[o][p] && s.chargers[o].reachable && out[o]->setpoint.amps > std::ceil(s.chargers[o].min_current - 1e-9) &&
                out[o]->setpoint.amps > amps + 1)
              fair = false;
          has_bottleneck = fair;
        }
      }
      if (!has_bottleneck && sum_slack + tol < k) {
        bool fair = true;
        for (std::size_t o = 0; o < n; ++o)
          if (s.chargers[o].reachable && out[o]->setpoint.amps > std::ceil(s.chargers[o].min_current - 1e-9) &&
              out[o]->setpoint.amps > amps + 3)
            fair = false;
        has_bottleneck = fair;
      }
      if (!has_bottleneck) return c.id + ": " + std::to_string(amps) + " A (" + to_string(out[j]->reason) + ") is not max-min fair";
    }
    return std::nullopt;
  }
};

// Two consecutive control cycles (the second with memory and last setpoints from the first).
std::optional<std::string> check_site(SiteSnapshot site, Seconds now) {
  PolicyMemory memory;
  for (int cycle = 0; cycle < 2; ++cycle) {
    const Seconds t = now + cycle;
    const Allocation a = allocate(site, memory, t);
    if (!a.error.empty()) return "unexpected error: " + a.error;
    if (auto f = Checker{site, t, a, {}}.run()) return "cycle " + std::to_string(cycle) + ": " + *f;
    for (auto& c : site.chargers)
      if (const auto* p = a.find(c.id); p && c.reachable) {
        if (!c.recent_setpoints.empty() && p->setpoint != c.last_setpoint) c.recent_setpoints.push_back({t, p->setpoint});
        c.last_setpoint = p->setpoint;
      }
  }
  return std::nullopt;
}

// Drops chargers and empty leaf circuits while the failure persists.
SiteSnapshot minimise(SiteSnapshot site, Seconds now) {
  for (std::size_t j = site.chargers.size(); j-- > 0;) {
    auto smaller = site;
    smaller.chargers.erase(smaller.chargers.begin() + static_cast<long>(j));
    if (!smaller.chargers.empty() && check_site(smaller, now)) site = smaller;
  }
  for (std::size_t i = site.circuits.size(); i-- > 0;) {
    const auto& id = site.circuits[i].id;
    if (id == mains_id) continue;
    bool used = false;
    for (const auto& c : site.chargers) used |= c.circuit == id;
    for (const auto& c : site.circuits) used |= c.parent == id;
    if (used) continue;
    auto smaller = site;
    smaller.circuits.erase(smaller.circuits.begin() + static_cast<long>(i));
    if (check_site(smaller, now)) site = smaller;
  }
  return site;
}

TEST(PolicyProperty, NeverOverALimitNeverBelowMinimumEqualIsMaxMinFair) {
  std::uint64_t seed = 20240605;
  if (const char* s = std::getenv("AMPGATE_PROPERTY_SEED")) seed = std::strtoull(s, nullptr, 10);
  std::cout << "property seed " << seed << " (set AMPGATE_PROPERTY_SEED to replay another)\n";
  std::mt19937_64 rng(seed);
  constexpr int sites = 10000;
  int chargers = 0, failures = 0;
  int i = 0;
  for (; i < sites && failures == 0; ++i) {
    const auto g = generate_site(rng);
    chargers += static_cast<int>(g.site.chargers.size());
    if (auto f = check_site(g.site, g.now)) {
      ++failures;
      const auto small = minimise(g.site, g.now);
      ADD_FAILURE() << "site #" << i << " (seed " << seed << "): " << *f << "\nafter minimising: "
                    << check_site(small, g.now).value_or("?") << "\nminimal site:\n" << to_yaml(small, g.now);
    }
  }
  std::cout << "checked " << i << " sites with " << chargers << " chargers\n";
}

}  // namespace
}  // namespace ampgate::policies::test
