// Charger modes: what each charger asks of the fuses. fast asks for its maximum; solar,
// eco and eco_plus share the surplus first, with the start and stop timers.
#include <algorithm>
#include <cmath>

#include "policies/detail.h"

namespace ampgate::policies::detail {
namespace {

struct Pool {
  int j;
  double need;   // per phase, to be let in
  double cap;    // per phase
  int k;         // phases it draws on
  double share = 0;
};

// Splits `surplus` (amps summed over phases) among admitted chargers: each gets at least
// its need; the rest is shared equally (max-min) or in rank order (priority).
void split(std::vector<Pool>& pool, double surplus, Sharing sharing) {
  double extra = surplus;
  for (const auto& p : pool) extra -= p.need * p.k;
  extra = std::max(0.0, extra);
  if (sharing == Sharing::priority) {
    for (auto& p : pool) {
      const double more = std::min(p.cap - p.need, extra / p.k);
      p.share = p.need + std::max(0.0, more);
      extra -= std::max(0.0, more) * p.k;
    }
    return;
  }
  // Equal: the level L where sum k*clamp(L, need, cap) = surplus; bisection is plenty.
  auto used = [&](double level) {
    double u = 0;
    for (const auto& p : pool) u += p.k * std::clamp(level, p.need, p.cap);
    return u;
  };
  double hi = 0;
  for (const auto& p : pool) hi = std::max(hi, p.cap);
  double level = hi;
  if (used(hi) > surplus) {
    double lo = 0;
    for (int i = 0; i < 50; ++i) {
      const double mid = (lo + hi) / 2;
      (used(mid) <= surplus ? lo : hi) = mid;
    }
    level = lo;
  }
  for (auto& p : pool) p.share = std::clamp(level, p.need, p.cap);
}

bool is_surplus_mode(Mode m) { return m == Mode::solar || m == Mode::eco || m == Mode::eco_plus; }

// A mode setting that is not a number counts as 0 (the minimum then applies); huge values
// are capped so that whole amps stay inside int.
double setting(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, max_charger_amps) : 0.0; }

int eco_amps(const ChargerSnapshot& c, int min) {
  return std::max(min, static_cast<int>(std::ceil(setting(c.mode_settings.eco_grid_current) - eps)));
}

Why pause_reason_of(Class cls) {
  switch (cls) {
    case Class::unreachable: return Why{ReasonKind::unreachable};
    case Class::fault: return Why{ReasonKind::charger_fault};
    case Class::no_car: return Why{ReasonKind::no_car};
    case Class::off: return Why{ReasonKind::mode_off};
    case Class::invalid: return Why{ReasonKind::invalid_charger};
    case Class::min_above_max: return Why{ReasonKind::min_above_max};
    case Class::active: break;
  }
  return {};
}

}  // namespace

std::vector<Demand> decide_modes(const SiteSnapshot& site, const Model& model,
                                 const std::vector<Load>& loads, const std::vector<int>& order,
                                 const std::vector<ChargerMemory>& in,
                                 std::vector<ChargerMemory>& out, Seconds now) {
  const auto& pol = site.policy;
  const std::size_t n = site.chargers.size();
  std::vector<Demand> d(n);
  out = in;
  std::vector<Pool> pool;
  for (std::size_t j = 0; j < n; ++j) {
    const auto& c = site.chargers[j];
    const auto& f = model.chargers[j];
    d[j].min = f.min;
    d[j].cap = f.cap;
    d[j].cap_reason = f.cap_reason;
    if (f.cls != Class::active || f.cap < f.min || !is_surplus_mode(c.mode)) {
      // Anything not in a surplus mode forgets the surplus timers.
      out[j].surplus_running = false;
      out[j].short_since.reset();
      out[j].surplus_since.reset();
    }
    if (f.cls != Class::active) {
      d[j].pause_reason = pause_reason_of(f.cls);
      continue;
    }
    if (f.cap < f.min) {
      d[j].pause_reason = f.cap_reason;  // e.g. a user limit below the minimum
      continue;
    }
    d[j].want = true;
  }

  // Surplus modes: running ones keep their place, waiting ones join if surplus is left.
  if (!model.surplus) {
    for (std::size_t j = 0; j < n; ++j) {
      const auto& c = site.chargers[j];
      if (!d[j].want || !is_surplus_mode(c.mode)) continue;
      if (c.mode == Mode::eco) {
        const int eco = eco_amps(c, d[j].min);
        if (eco < d[j].cap) d[j].cap = eco, d[j].cap_reason = Why{ReasonKind::eco_minimum};
        continue;
      }
      d[j].want = false;
      d[j].pause_reason = model.surplus_missing;
      d[j].surplus_at_turn = 0;
      out[j] = ChargerMemory{false, {}, {}, in[j].phases, in[j].phases_since};
    }
    return d;
  }
  double left = *model.surplus;
  for (int pass = 0; pass < 2; ++pass) {
    for (int j : order) {
      const auto& c = site.chargers[j];
      if (!d[j].want || !is_surplus_mode(c.mode)) continue;
      const bool running = c.mode == Mode::eco || in[j].surplus_running;
      if (running != (pass == 0)) continue;
      const double need = c.mode == Mode::solar ? d[j].min
                          : c.mode == Mode::eco_plus
                              ? std::min(setting(c.mode_settings.eco_plus_start_surplus), double(d[j].cap))
                              : 0.0;
      d[j].surplus_at_turn = left;
      const int k = loads[j].k;
      if (need * k <= left + eps) {
        pool.push_back({j, need, double(d[j].cap), k});
        left -= need * k;
      }
    }
  }
  split(pool, *model.surplus, pol.sharing);
  std::vector<double> share(n, -1.0);
  for (const auto& p : pool) share[p.j] = p.share;

  for (std::size_t j = 0; j < n; ++j) {
    const auto& c = site.chargers[j];
    if (!d[j].want || !is_surplus_mode(c.mode)) continue;
    auto& m = out[j];
    const int whole = share[j] < 0 ? 0 : static_cast<int>(std::floor(share[j] + eps));
    if (c.mode == Mode::eco) {
      const int eco = eco_amps(c, d[j].min);
      const int want = std::max(eco, whole);
      if (want < d[j].cap) {
        d[j].cap = want;
        d[j].cap_reason = Why{whole > eco ? ReasonKind::solar_surplus : ReasonKind::eco_minimum};
      }
      continue;
    }
    const bool admitted = share[j] >= 0;
    auto run_on_surplus = [&] {
      const int amps = std::max(d[j].min, whole);  // eco_plus tops up to the minimum from the grid
      if (amps < d[j].cap) d[j].cap = amps, d[j].cap_reason = Why{ReasonKind::solar_surplus};
      m.surplus_running = true;
      m.short_since.reset();
      m.surplus_since.reset();
    };
    auto pause = [&] {
      d[j].want = false;
      d[j].pause_reason = Why{ReasonKind::waiting_for_surplus};
    };
    if (in[j].surplus_running) {
      if (admitted) {
        run_on_surplus();
      } else {
        if (!m.short_since) m.short_since = now;
        if (now - *m.short_since < pol.solar_stop_delay) {
          d[j].cap = d[j].min;
          d[j].fixed_at_min = true;
          d[j].cap_reason = Why{ReasonKind::solar_hold};
        } else {
          m.surplus_running = false;
          m.short_since.reset();
          m.surplus_since.reset();
          pause();
        }
      }
    } else if (admitted) {
      if (!m.surplus_since) m.surplus_since = now;
      if (now - *m.surplus_since >= pol.solar_start_delay) {
        run_on_surplus();
      } else {
        pause();
      }
    } else {
      m.surplus_since.reset();
      pause();
    }
  }
  return d;
}

}  // namespace ampgate::policies::detail
