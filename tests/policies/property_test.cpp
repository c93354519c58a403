// The product's promise, checked on 10 000 generated sites: whenever the non-EV load alone
// fits, allocated current plus non-EV load stays within every limit on every phase; no
// setpoint between 0 and the minimum; none above the charger's maximum; nobody paused
// while its minimum would fit; equal sharing is max-min fair. The checker below works the
// loads out on its own from the snapshot, not from the allocator's internals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
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

struct Checker {
  const SiteSnapshot& s;
  Seconds now;
  const Allocation& a;
  std::ostringstream why;

  bool fresh(const std::optional<Reading>& r) const { return r && now - r->at <= s.policy.meter_stale_after; }

  std::optional<std::string> run() {
    const std::size_t nc = s.circuits.size(), n = s.chargers.size();
    std::map<std::string, int> index;
    for (std::size_t i = 0; i < nc; ++i) index[s.circuits[i].id] = static_cast<int>(i);
    auto parent = [&](int c) { return s.circuits[c].parent.empty() ? -1 : index.at(s.circuits[c].parent); };
    const bool external = s.external && now < s.external->until;

    // Per charger: what it is allowed to draw now (allocated) or assumed to draw (reserved).
    std::vector<std::array<double, 3>> alloc(n), reserved(n), measured(n);
    std::vector<std::array<int, 3>> coef(n);
    std::vector<const ChargerSetpoint*> out(n);
    for (std::size_t j = 0; j < n; ++j) {
      const auto& c = s.chargers[j];
      out[j] = a.find(c.id);
      if (!out[j]) return "no setpoint for " + c.id;
      const auto& sp = out[j]->setpoint;
      const int phases = c.wired_phases == 1 ? 1 : sp.phases;
      std::array<int, 3> k{};
      for (int i = 0; i < phases; ++i) k[static_cast<int>(c.phase_map[i])] = 1;
      if (fresh(c.reading)) {
        for (int i = 0; i < c.wired_phases; ++i) measured[j][static_cast<int>(c.phase_map[i])] += std::max(0.0, c.reading->amps[i]);
        int drawing = 0, idle = 0, at = -1;
        for (int i = 0; i < 3; ++i) {
          if (c.reading->amps[i] >= 2.0) ++drawing, at = i;
          if (c.reading->amps[i] < 1.0) ++idle;
        }
        if (c.wired_phases == 3 && phases == 3 && c.state == CarState::charging && drawing == 1 && idle == 2) {
          k = {};
          k[static_cast<int>(c.phase_map[at])] = 1;
        }
      }
      coef[j] = k;
      if (!c.reachable) {
        const double last = c.last_setpoint.run ? c.last_setpoint.amps : 0;
        const double r = now - c.last_seen >= c.watchdog_timeout ? c.failsafe_current : std::max(last, c.failsafe_current);
        const int lp = c.wired_phases == 1 || c.last_setpoint.phases == 1 ? 1 : 3;
        for (int i = 0; i < lp; ++i) reserved[j][static_cast<int>(c.phase_map[i])] = r;
        continue;
      }
      if (sp.run != (sp.amps > 0)) return c.id + ": run flag does not match " + std::to_string(sp.amps) + " A";
      if (sp.amps > 0 && sp.amps < std::ceil(c.min_current - 1e-9))
        return c.id + ": " + std::to_string(sp.amps) + " A is between 0 and the minimum";
      double cap = c.max_current;
      if (c.ev_max) cap = std::min(cap, *c.ev_max);
      if (c.user_limit) cap = std::min(cap, *c.user_limit);
      if (sp.amps > cap + tol) return c.id + ": " + std::to_string(sp.amps) + " A is above its maximum";
      for (int p = 0; p < 3; ++p) alloc[j][p] = sp.amps * k[p];
    }
    auto subtracted = [&](std::size_t j) {
      const auto& c = s.chargers[j];
      return !c.reachable || (c.state != CarState::fault && c.state != CarState::disconnected && c.mode != Mode::off);
    };

    // Every circuit and phase.
    std::vector<std::array<double, 3>> slack(nc);
    std::vector<std::vector<int>> members(nc);
    for (std::size_t j = 0; j < n; ++j)
      for (int c = index.at(s.chargers[j].circuit); c >= 0; c = parent(c)) members[c].push_back(static_cast<int>(j));
    double mains_non_ev = 0;
    for (std::size_t ci = 0; ci < nc; ++ci) {
      const auto& c = s.circuits[ci];
      const bool stale = c.metered && !fresh(c.reading);
      double limit = c.limit;
      if (ci == static_cast<std::size_t>(index.at(mains_id)) && external && s.external->per_phase)
        limit = std::min(limit, std::max(0.0, *s.external->per_phase));
      for (int p = 0; p < 3; ++p) {
        double non_ev = 0, res = 0, used = 0, ev = 0;
        for (int j : members[ci]) {
          res += reserved[j][p];
          used += alloc[j][p];
          if (subtracted(j)) ev += measured[j][p];
        }
        if (c.metered && !stale) non_ev = std::max(0.0, c.reading->amps[p] - ev);
        if (c.id == mains_id) mains_non_ev += non_ev;
        const double allowed = stale ? std::min(s.policy.meter_lost_fallback, limit - s.policy.safety_margin)
                                     : limit - s.policy.safety_margin;
        const double background = non_ev + res;
        slack[ci][p] = allowed - background - used;
        if (background <= allowed + tol ? background + used > allowed + tol : used > tol) {
          why << "circuit " << c.id << " L" << p + 1 << ": non-EV " << non_ev << " A + reserved " << res
              << " A + allocated " << used << " A > allowed " << allowed << " A";
          return why.str();
        }
      }
    }
    // The sum of the mains phases (not checked while a grace time may hold chargers).
    std::optional<double> sum_limit = s.policy.max_sum_mains;
    if (external && s.external->sum) sum_limit = sum_limit ? std::min(*sum_limit, *s.external->sum) : *s.external->sum;
    const bool grace = sum_limit && s.policy.max_sum_mains_grace > 0;
    double sum_slack = 1e18;
    if (sum_limit) {
      double used = 0, res = 0;
      for (std::size_t j = 0; j < n; ++j)
        for (int p = 0; p < 3; ++p) used += alloc[j][p], res += reserved[j][p];
      const double allowed = *sum_limit - s.policy.safety_margin, background = mains_non_ev + res;
      sum_slack = allowed - background - used;
      if (!grace && (background <= allowed + tol ? background + used > allowed + tol : used > tol))
        return "sum limit: background " + std::to_string(background) + " A + allocated " + std::to_string(used) +
               " A > " + std::to_string(allowed) + " A";
    }

    // Nobody paused by a limit while its minimum would fit; equal sharing max-min fair.
    const bool check_fair = s.policy.sharing == Sharing::equal && s.policy.phase_mode != PhaseMode::mixed && !grace;
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
      double room = sum_slack / k;
      for (int ci = index.at(c.circuit); ci >= 0; ci = parent(ci))
        for (int p = 0; p < 3; ++p)
          if (coef[j][p]) room = std::min(room, slack[ci][p]);
      const int amps = out[j]->setpoint.amps;
      if (amps == 0) {
        if (room + tol >= std::ceil(c.min_current - 1e-9))
          return c.id + ": paused (" + to_string(out[j]->reason) + ") although " + std::to_string(room) + " A is free";
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
      if (!has_bottleneck && sum_limit && sum_slack + tol < k) {
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
      if (const auto* p = a.find(c.id); p && c.reachable) c.last_setpoint = p->setpoint;
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
