#include "tests/policies/site_generator.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ampgate::policies::test {
namespace {

struct Dice {
  std::mt19937_64& rng;
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool chance(double p) { return real(0, 1) < p; }
  // Whole and half amps are what configurations hold; keep values readable in a failure.
  double amps(double lo, double hi) { return std::round(real(lo, hi) * 2) / 2; }
};

}  // namespace

GeneratedSite generate_site(std::mt19937_64& rng) {
  Dice d{rng};
  GeneratedSite g;
  g.now = 1000;
  auto& s = g.site;
  auto& p = s.policy;
  p.sharing = d.chance(0.5) ? Sharing::equal : Sharing::priority;
  p.phase_mode = static_cast<PhaseMode>(d.integer(0, 2));
  p.safety_margin = d.chance(0.5) ? 0 : d.amps(0, 3);
  p.meter_lost_fallback = d.chance(0.5) ? 0 : d.amps(0, 20);
  p.solar_start_delay = d.chance(0.5) ? 0 : 120;
  if (d.chance(0.3)) {
    p.max_sum_mains = d.amps(10, 150);
    p.max_sum_mains_grace = d.chance(0.7) ? 0 : 60;
  }
  if (d.chance(0.2)) {
    ExternalLimit x;
    if (d.chance(0.7)) x.per_phase = d.amps(0, 80);
    if (d.chance(0.5)) x.sum = d.amps(0, 150);
    x.until = g.now + d.real(-10, 100);
    s.external = x;
  }
  auto reading = [&](double hi) {
    Reading r;
    for (auto& a : r.amps) a = d.amps(-20, hi);
    r.at = g.now - (d.chance(0.1) ? d.real(6, 100) : d.real(0, 4));
    return r;
  };

  // The tree: mains at depth 0, circuits down to depth 3 (four levels).
  std::vector<int> depth{0};
  CircuitSnapshot mains{mains_id, "", d.amps(16, 200), d.chance(0.6), std::nullopt};
  if (mains.metered && d.chance(0.95)) mains.reading = reading(mains.limit * 1.1);
  s.circuits.push_back(mains);
  const int circuits = d.integer(0, 12);
  for (int i = 0; i < circuits; ++i) {
    int parent = d.integer(0, static_cast<int>(s.circuits.size()) - 1);
    if (depth[parent] >= 3) parent = 0;
    CircuitSnapshot c{"c" + std::to_string(i + 1), s.circuits[parent].id,
                      d.amps(6, s.circuits[parent].limit + 10), d.chance(0.4), std::nullopt};
    if (c.metered && d.chance(0.9)) c.reading = reading(c.limit * 1.1);
    s.circuits.push_back(c);
    depth.push_back(depth[parent] + 1);
  }

  const double size = d.real(0, 1);
  const int chargers = size < 0.5 ? d.integer(1, 10) : size < 0.85 ? d.integer(10, 50) : d.integer(50, 200);
  for (int i = 0; i < chargers; ++i) {
    ChargerSnapshot c;
    c.id = "e" + std::to_string(i + 1);
    c.circuit = s.circuits[d.integer(0, static_cast<int>(s.circuits.size()) - 1)].id;
    c.wired_phases = d.chance(0.6) ? 3 : 1;
    c.can_switch_phases = c.wired_phases == 3 && d.chance(0.5);
    std::shuffle(c.phase_map.begin(), c.phase_map.end(), rng);
    c.min_current = d.chance(0.9) ? 6 : d.amps(5, 10);
    c.max_current = d.amps(c.min_current, 40);
    c.failsafe_current = d.chance(0.5) ? 0 : d.amps(0, 16);
    c.watchdog_timeout = d.real(10, 60);
    c.priority = d.integer(0, 3);
    c.mode = static_cast<Mode>(d.integer(0, 4));
    c.mode_settings.eco_grid_current = d.amps(0, 16);
    c.mode_settings.eco_plus_start_surplus = d.amps(0, 10);
    c.session_start = d.integer(0, 900);
    const double st = d.real(0, 1);
    c.state = st < 0.7 ? CarState::charging : st < 0.85 ? CarState::connected
              : st < 0.95 ? CarState::disconnected : CarState::fault;
    if (d.chance(0.6)) {
      Reading r;
      const bool one = d.chance(0.2);
      for (int k = 0; k < 3; ++k) r.amps[k] = one && k > 0 ? d.real(0, 0.5) : d.amps(0, c.max_current);
      r.at = g.now - (d.chance(0.1) ? 50 : 1);
      c.reading = r;
    }
    const int lo = static_cast<int>(std::ceil(c.min_current));
    const int last = d.chance(0.3) ? 0 : d.integer(lo, std::max(lo, static_cast<int>(c.max_current)));
    c.last_setpoint = Setpoint{last, c.can_switch_phases && d.chance(0.3) ? 1 : c.wired_phases, last > 0};
    c.reachable = d.chance(0.9);
    c.last_seen = g.now - (c.reachable ? 0 : d.real(0, 100));
    // The daemon's bookkeeping: unverified watchdogs, unknown setpoints, recent offers, and
    // readings that follow the last command (so that measured draws often match it).
    c.watchdog_verified = d.chance(0.85);
    c.setpoint_known = d.chance(0.9);
    if (d.chance(0.3)) {
      const int before = d.chance(0.3) ? 0 : d.integer(lo, std::max(lo, static_cast<int>(c.max_current)));
      c.recent_setpoints = {{g.now - d.real(3, 15), Setpoint{before, c.last_setpoint.phases, before > 0}},
                            {g.now - d.real(0, 3), c.last_setpoint}};
    }
    if (c.reading && d.chance(0.5)) {
      const int on = c.wired_phases == 1 || c.last_setpoint.phases == 1 ? 1 : 3;
      for (int k = 0; k < 3; ++k)
        c.reading->amps[k] = k < on && c.last_setpoint.run ? std::max(0.0, c.last_setpoint.amps - d.real(0, 1)) : 0.0;
    }
    if (d.chance(0.1)) c.user_limit = d.amps(0, 32);
    if (d.chance(0.1)) c.ev_max = d.amps(0, 32);
    s.chargers.push_back(c);
  }
  return g;
}

}  // namespace ampgate::policies::test
