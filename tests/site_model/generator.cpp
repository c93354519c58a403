#include "tests/site_model/generator.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ampgate::site_model {
namespace {

using policies::Mode;

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : g_(seed) {}
  int between(int lo, int hi) { return lo + static_cast<int>(g_() % static_cast<std::uint64_t>(hi - lo + 1)); }
  bool chance(double p) { return static_cast<double>(g_() % 1000000) < p * 1e6; }
  template <class T, std::size_t N>
  T of(const T (&xs)[N]) { return xs[between(0, N - 1)]; }

 private:
  std::mt19937_64 g_;
};

// Failsafe currents below a circuit, per site phase, must fit its limit minus the margin
// (issue 11, class 1): otherwise nothing the gateway does can keep the site safe when it stops.
void fit_failsafes(Scenario& s, const World& w) {
  for (std::size_t i = 0; i < s.circuits.size(); ++i) {
    Amps3 sum{};
    for (const auto& c : s.chargers) {
      if (!w.below(w.circuit_index(c.circuit), static_cast<int>(i))) continue;
      for (int p = 0; p < c.wired_phases; ++p) sum[c.phase_map[p]] += c.failsafe;
    }
    const double room = s.circuits[i].limit - s.policy.safety_margin;
    if (sum[0] > room || sum[1] > room || sum[2] > room) {
      for (auto& c : s.chargers)
        if (w.below(w.circuit_index(c.circuit), static_cast<int>(i))) c.failsafe = 0;
    }
  }
}

void circuits(Scenario& s, Dice& d, const GeneratorOptions& o) {
  const double mains_limit = d.of({16.0, 20.0, 25.0, 32.0, 35.0, 40.0});
  const int subs = d.between(0, o.max_sub_circuits);
  for (int i = 0; i <= subs; ++i) {
    CircuitSpec c;
    c.id = i == 0 ? policies::mains_id : "c" + std::to_string(i);
    if (i > 0) c.parent = s.circuits[d.between(0, i - 1)].id;
    const double parent_limit = i == 0 ? mains_limit : s.circuits[d.between(0, i - 1)].limit;
    c.limit = i == 0 ? mains_limit : std::min(parent_limit + 4, d.of({10.0, 13.0, 16.0, 20.0, 25.0}));
    c.metered = d.chance(i == 0 ? 0.75 : 0.5);
    c.meter.refresh = d.of({Tick{5}, Tick{10}, Tick{10}, Tick{20}, Tick{100}});
    c.meter.offset = d.between(0, static_cast<int>(c.meter.refresh) - 1);
    c.meter.read_skew = d.between(0, 7);
    if (c.metered)
      for (auto& a : c.household) a = d.chance(0.5) ? d.between(0, static_cast<int>(c.limit * 0.4)) : 0;
    if (c.metered && d.chance(0.2)) c.household[d.between(0, 2)] = -d.between(2, 12);  // PV on one phase
    s.circuits.push_back(c);
  }
}

void chargers(Scenario& s, Dice& d, const GeneratorOptions& o) {
  const int n = d.between(1, o.max_chargers);
  for (int i = 0; i < n; ++i) {
    ChargerSpec c;
    c.id = std::string(1, static_cast<char>('a' + i));
    c.circuit = s.circuits[d.between(0, static_cast<int>(s.circuits.size()) - 1)].id;
    c.wired_phases = d.chance(0.75) ? 3 : 1;
    c.phase_map = {0, 1, 2};
    std::rotate(c.phase_map.begin(), c.phase_map.begin() + d.between(0, 2), c.phase_map.end());
    if (d.chance(0.3)) std::swap(c.phase_map[1], c.phase_map[2]);
    c.max = d.of({10.0, 16.0, 16.0, 20.0, 32.0});
    c.hw_max = std::max(c.max, d.of({16.0, 32.0}));
    c.failsafe = d.chance(0.7) ? 0 : d.of({6.0, 8.0, 10.0});
    c.watchdog_timeout = d.of({10.0, 15.0, 30.0, 60.0});
    c.has_watchdog = d.chance(0.85);
    c.can_switch_phases = c.wired_phases == 3 && d.chance(0.35);
    c.offer_readback = d.chance(0.4);
    c.power_on = d.chance(0.5) ? c.hw_max : d.of({6.0, 10.0, 16.0});
    c.read_skew = d.between(0, 7);
    c.priority = d.between(0, 2);
    c.mode = d.chance(0.75) ? Mode::fast : d.of({Mode::eco, Mode::solar, Mode::eco_plus, Mode::off});
    c.car.plugged = d.chance(0.85);
    c.car.phases = d.chance(0.8) ? 3 : 1;
    c.car.max = d.of({10.0, 16.0, 32.0});
    c.car.want = d.chance(0.6) ? c.car.max : d.between(6, 12);
    c.car.lag_down = d.of({Tick{0}, Tick{10}, Tick{30}, Tick{50}});
    c.car.lag_up = d.of({Tick{0}, Tick{0}, Tick{10}, Tick{30}});
    s.chargers.push_back(c);
  }
}

Event event(const Scenario& s, Dice& d) {
  Event e;
  e.at = d.between(1, static_cast<int>(s.duration) - 1);
  const auto& ch = s.chargers[d.between(0, static_cast<int>(s.chargers.size()) - 1)];
  std::vector<const CircuitSpec*> metered;
  for (const auto& c : s.circuits)
    if (c.metered) metered.push_back(&c);
  static constexpr EventKind kinds[] = {
      EventKind::household, EventKind::household, EventKind::household, EventKind::plug, EventKind::unplug,
      EventKind::car_want, EventKind::car_want, EventKind::reboot, EventKind::charger_silent, EventKind::meter_silent,
      EventKind::meter_nan, EventKind::write, EventKind::write, EventKind::fault, EventKind::mode, EventKind::external,
      EventKind::restart, EventKind::reload};
  e.kind = d.of(kinds);
  if ((e.kind == EventKind::household || e.kind == EventKind::meter_silent || e.kind == EventKind::meter_nan) &&
      metered.empty())
    e.kind = EventKind::car_want;
  e.target = ch.id;
  switch (e.kind) {
    case EventKind::household: {
      const auto& c = *metered[d.between(0, static_cast<int>(metered.size()) - 1)];
      e.target = c.id;
      e.amps = c.household;
      const int p = d.between(0, 2);
      e.amps[p] = d.chance(0.2) ? -d.between(2, 12) : d.between(0, static_cast<int>(c.limit * 0.6));
      break;
    }
    case EventKind::plug: e.value = d.chance(0.5) ? 0 : d.between(6, 12); break;
    case EventKind::car_want: e.value = d.chance(0.5) ? ch.car.max : d.between(0, 12); break;
    case EventKind::reboot: e.duration = d.chance(0.5) ? 0 : d.between(5, 30); break;
    case EventKind::charger_silent: e.duration = d.between(20, 400); break;
    case EventKind::meter_silent:
    case EventKind::meter_nan:
      e.target = metered[d.between(0, static_cast<int>(metered.size()) - 1)]->id;
      e.duration = d.between(20, 200);
      break;
    case EventKind::write: {
      static constexpr World::WriteOutcome outcomes[] = {World::WriteOutcome::ignored, World::WriteOutcome::failed_applied,
                                                         World::WriteOutcome::failed_not_applied};
      e.outcome = d.of(outcomes);
      break;
    }
    case EventKind::fault:
      e.draws = d.chance(0.5);
      e.duration = d.between(10, 100);
      break;
    case EventKind::mode: e.mode = d.of({Mode::off, Mode::fast, Mode::eco, Mode::solar}); break;
    case EventKind::external:
      e.target.clear();
      if (d.chance(0.7)) e.per_phase = d.between(6, static_cast<int>(s.circuits[0].limit));
      if (!e.per_phase || d.chance(0.3)) e.sum = d.between(12, static_cast<int>(3 * s.circuits[0].limit));
      e.duration = d.between(30, 300);
      break;
    case EventKind::restart:  // short enough that the gateway decides again before the end
      e.target.clear();
      e.duration = d.between(0, static_cast<int>(std::min<Tick>(50, s.duration / 3)));
      break;
    case EventKind::reload: e.target.clear(); break;
    default: break;
  }
  return e;
}

}  // namespace

Scenario generate(std::uint64_t seed, const GeneratorOptions& o) {
  Dice d(seed * 0x9E3779B97F4A7C15ull + 1);
  Scenario s;
  s.seed = seed;
  s.description = "generated from seed " + std::to_string(seed);
  s.duration = static_cast<Tick>(d.between(static_cast<int>(o.min_seconds * 10), static_cast<int>(o.max_seconds * 10)));
  circuits(s, d, o);
  chargers(s, d, o);
  auto& p = s.policy;
  p.sharing = d.chance(0.5) ? policies::Sharing::equal : policies::Sharing::priority;
  p.phase_mode = d.chance(0.6) ? policies::PhaseMode::three
                 : d.chance(0.5) ? policies::PhaseMode::mixed
                                 : policies::PhaseMode::one;
  p.safety_margin = d.chance(0.7) ? 0 : 1;
  Tick slowest = 0;
  for (const auto& c : s.circuits)
    if (c.metered) slowest = std::max(slowest, c.meter.refresh);
  p.meter_stale_after = std::max(d.of({3.0, 5.0, 5.0, 15.0}), seconds(slowest + s.period) + 0.5);
  p.meter_lost_fallback = 0;
  if (d.chance(0.2)) {
    p.max_sum_mains = std::round(3 * s.circuits[0].limit * 0.7);
    p.max_sum_mains_grace = d.chance(0.5) ? 0 : 10;
  }
  p.solar_start_delay = d.chance(0.5) ? 0 : 10;
  p.solar_stop_delay = d.chance(0.5) ? 0 : 10;
  p.phase_switch_min_dwell = d.chance(0.5) ? 0 : 5;
  {
    World w(s.circuits, s.chargers);
    fit_failsafes(s, w);
  }
  const int n = d.between(0, o.max_events);
  for (int i = 0; i < n; ++i) s.events.push_back(event(s, d));
  std::stable_sort(s.events.begin(), s.events.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
  return s;
}

}  // namespace ampgate::site_model
