#include "tests/site_model/judge.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ampgate::site_model {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
// Float noise only: setpoints are whole amps, so any real overload is far above this.
constexpr double tolerance = 0.01;
constexpr double pilot_minimum = 6.0;
constexpr const char* phase_names[3] = {"L1", "L2", "L3"};

Tick to_ticks(double s) { return static_cast<Tick>(std::ceil(s / tick_s - 1e-9)); }

std::string describe(const World& w, const std::vector<std::vector<JudgedWrite>>& stages, std::size_t k, unsigned mask) {
  std::ostringstream o;
  auto list = [&](bool executed) {
    const char* sep = "";
    for (std::size_t i = 0; i < stages[k].size(); ++i)
      if (((mask >> i) & 1u) == (executed ? 1u : 0u)) {
        const auto& wr = stages[k][i];
        o << sep << w.chargers()[wr.charger].id << ": " << wr.setpoint.amps << " A x" << wr.setpoint.phases
          << (wr.setpoint.run ? " run" : " pause");
        sep = ", ";
      }
  };
  o << "after stages 1.." << k << " of " << stages.size() << " and of stage " << k + 1 << " only {";
  list(true);
  o << "}, not yet {";
  list(false);
  o << "}";
  return o.str();
}

}  // namespace

Judge::Judge(const Scenario& s, const World& w) {
  const Tick period = s.period;
  Tick meter = 0;
  for (const auto& c : s.circuits)
    if (c.metered) meter = std::max(meter, c.meter.refresh);
  meter = std::max(meter, to_ticks(s.policy.meter_stale_after) + period);
  Tick lag = to_ticks(std::max(5.0, s.policy.car_follow_time));
  for (const auto& c : s.chargers) lag = std::max(lag, c.car.lag_down);
  allowance_ = meter + 2 * period + lag + 1;
  grace_ = s.policy.max_sum_mains_grace;

  const int mains = w.circuit_index(policies::mains_id);
  for (std::size_t i = 0; i < s.circuits.size(); ++i)
    for (int p = 0; p < 3; ++p)
      limits_.push_back({s.circuits[i].id + " " + phase_names[p], static_cast<int>(i), p, false, {{0, s.circuits[i].limit}}});
  for (int p = 0; p < 3; ++p)
    limits_.push_back({std::string("external mains ") + phase_names[p], mains, p, false, {{0, inf}}, -1, true});
  limits_.push_back({"external mains sum", mains, -1, false, {{0, inf}}, -1, true});
  if (s.policy.max_sum_mains) limits_.push_back({"mains sum", mains, -1, true, {{0, *s.policy.max_sum_mains}}});
  record(w, std::nullopt);
}

double Judge::value(const Limit& l, Tick t) const {
  double v = l.history.front().second;
  for (const auto& [from, x] : l.history)
    if (from <= t) v = x;
  return v;
}

double Judge::judged_limit(const Limit& l, Tick t) const {
  double v = -inf;
  for (std::size_t i = 0; i < l.history.size(); ++i) {
    const Tick end = i + 1 < l.history.size() ? l.history[i + 1].first : std::numeric_limits<Tick>::max();
    if (l.history[i].first <= t && end > t - allowance_) v = std::max(v, l.history[i].second);
  }
  return v;
}

double Judge::judged_household(const Limit& l, Tick t) const {
  double v = inf;
  for (std::size_t i = 0; i < loads_.size(); ++i) {
    const Tick end = i + 1 < loads_.size() ? loads_[i + 1].from : std::numeric_limits<Tick>::max();
    if (loads_[i].from > t || end <= t - allowance_) continue;
    const Amps3& h = loads_[i].per_circuit[l.circuit];
    v = std::min(v, l.phase < 0 ? h[0] + h[1] + h[2] : h[l.phase]);
  }
  return v;
}

void Judge::record(const World& w, const std::optional<policies::ExternalLimit>& external) {
  w.fuse_currents(household_, ev_);
  if (loads_.empty() || loads_.back().per_circuit != household_) loads_.push_back({w.now(), household_});
  for (auto& l : limits_) {
    if (!l.external) continue;
    double v = inf;
    if (external && w.now() * tick_s < external->until) {
      const auto& x = l.phase < 0 ? external->sum : external->per_phase;
      if (x) v = *x;
    }
    if (l.history.back().second != v) l.history.emplace_back(w.now(), v);
  }
}

std::optional<Violation> Judge::steady(const World& w, const std::optional<policies::ExternalLimit>& external,
                                       Tick excused_until) {
  record(w, external);
  for (auto& l : limits_) {
    const Amps3& h = household_[l.circuit];
    const Amps3& ev = ev_[l.circuit];
    const double evs = l.phase < 0 ? ev[0] + ev[1] + ev[2] : ev[l.phase];
    const double amps = evs + (l.phase < 0 ? h[0] + h[1] + h[2] : h[l.phase]);
    const double allowed = value(l, w.now());
    // Only what the chargers add is the gateway's to remove.
    if (std::min(amps - allowed, evs) <= tolerance) {
      l.over_since = -1;
      continue;
    }
    if (l.over_since < 0) l.over_since = w.now();
    const Tick from = std::max(l.over_since, excused_until);
    const Tick longest = allowance_ + (l.grace ? to_ticks(grace_) : 0);
    if (w.now() - from > longest) {
      std::ostringstream d;
      d << "over its limit since t=" << seconds(l.over_since) << " s, longer than the allowance " << seconds(longest)
        << " s (EV part " << evs << " A)";
      return Violation{w.now(), "steady", l.name, amps, allowed, d.str()};
    }
  }
  return std::nullopt;
}

Amps3 Judge::follow(const World& w, int c, const Offer& o) const {
  const auto& spec = w.chargers()[c];
  const auto& t = w.charger(c);
  Amps3 d{};
  if (!t.car.plugged || (t.fault && !t.fault_draws) || !o.run || o.amps < pilot_minimum) return d;
  const int n = std::min({o.phases, spec.wired_phases, t.car.phases});
  const double a = std::min({o.amps, t.car.max, spec.hw_max});
  for (int i = 0; i < n; ++i) d[spec.phase_map[i]] = a;
  return d;
}

Amps3 Judge::follow(const World& w, int c, const policies::Setpoint& s) const {
  const auto& spec = w.chargers()[c];
  return follow(w, c, Offer{std::min<double>(s.amps, spec.hw_max), std::clamp(s.phases, 1, spec.wired_phases), s.run});
}

std::optional<Violation> Judge::prefix(const World& w, const std::vector<std::vector<JudgedWrite>>& stages,
                                       const std::vector<policies::Setpoint>& believed) const {
  const std::size_t n = w.chargers().size();
  // What each charger may draw whatever the plan does: what it draws now, and all of the
  // offer it has now (a fresh unasked change is rolled back to the commanded value).
  std::vector<Amps3> still(n), offered(n);
  for (std::size_t c = 0; c < n; ++c) {
    const int ci = static_cast<int>(c);
    const bool fresh = w.now() - w.charger(ci).deviation_at < allowance_;
    still[c] = w.charger_site_draw(ci);
    offered[c] = fresh ? follow(w, ci, believed[c]) : follow(w, ci, w.charger(ci).offer);
    if (fresh)
      for (int p = 0; p < 3; ++p) still[c][p] = std::min(still[c][p], offered[c][p]);
  }

  std::vector<Amps3> worst(n);
  auto judge_state = [&]() -> std::optional<Violation> {
    for (const auto& l : limits_) {
      // A capacity-tariff sum limit with a grace may be exceeded by design for the grace;
      // the steady rule judges it (R + grace). Fuses and external limits have no grace.
      if (l.grace && grace_ > 0) continue;
      double ev = 0;
      for (std::size_t c = 0; c < n; ++c) {
        if (!w.below(w.charger_circuit(static_cast<int>(c)), l.circuit)) continue;
        ev += l.phase < 0 ? worst[c][0] + worst[c][1] + worst[c][2] : worst[c][l.phase];
      }
      const double amps = judged_household(l, w.now()) + ev;
      const double allowed = judged_limit(l, w.now());
      if (std::min(amps - allowed, ev) > tolerance) return Violation{w.now(), "prefix", l.name, amps, allowed, ""};
    }
    return std::nullopt;
  };
  std::vector<Amps3> base = offered;  // offers after the stages acknowledged so far
  if (stages.empty()) {  // nothing to write: the offers in force must be safe as they are
    for (std::size_t c = 0; c < n; ++c)
      for (int p = 0; p < 3; ++p) worst[c][p] = std::max(still[c][p], base[c][p]);
    if (auto v = judge_state()) {
      v->detail = "with the offers in force (no writes)";
      return v;
    }
  }
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& stage = stages[k];
    const unsigned all = (1u << std::min<std::size_t>(stage.size(), 16)) - 1;
    std::vector<unsigned> masks;
    if (stage.size() <= 6) {
      for (unsigned m = 0; m <= all; ++m) masks.push_back(m);
    } else {  // every single write, every all-but-one, all, none
      masks = {0u, all};
      for (std::size_t i = 0; i < stage.size() && i < 16; ++i) masks.insert(masks.end(), {1u << i, all & ~(1u << i)});
    }
    for (unsigned m : masks) {
      std::vector<Amps3> offer = base;
      for (std::size_t i = 0; i < stage.size(); ++i)
        if (m & (1u << i)) offer[stage[i].charger] = follow(w, stage[i].charger, stage[i].setpoint);
      for (std::size_t c = 0; c < n; ++c)
        for (int p = 0; p < 3; ++p) worst[c][p] = std::max(still[c][p], offer[c][p]);
      if (auto v = judge_state()) {
        v->detail = describe(w, stages, k, m);
        return v;
      }
    }
    for (const auto& wr : stage) base[wr.charger] = follow(w, wr.charger, wr.setpoint);
  }
  return std::nullopt;
}

}  // namespace ampgate::site_model
