#include "tests/site_model/world.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ampgate::site_model {

// IEC 61851: below 6 A a pilot duty cycle does not allow charging.
constexpr double pilot_minimum = 6.0;

World::World(std::vector<CircuitSpec> circuits, std::vector<ChargerSpec> chargers)
    : circuits_(std::move(circuits)), chargers_(std::move(chargers)) {
  parent_.assign(circuits_.size(), -1);
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    if (!circuits_[i].parent.empty()) parent_[i] = circuit_index(circuits_[i].parent);
    household_.push_back(circuits_[i].household);
  }
  below_.assign(circuits_.size(), std::vector<char>(circuits_.size(), 0));
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    int guard = 0;
    for (int a = static_cast<int>(i); a >= 0 && guard++ <= static_cast<int>(circuits_.size()); a = parent_[a])
      below_[i][a] = 1;
    if (guard > static_cast<int>(circuits_.size())) throw std::runtime_error("site model: circuit loop at " + circuits_[i].id);
  }
  for (const auto& c : chargers_) charger_circuit_.push_back(circuit_index(c.circuit));
  meters_.resize(circuits_.size());
  truth_.resize(chargers_.size());
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    auto& t = truth_[c];
    t.car = chargers_[c].car;
    t.watchdog_armed = chargers_[c].has_watchdog;
    t.offer = Offer{0, chargers_[c].wired_phases, false};
  }
  for (std::size_t i = 0; i < circuits_.size(); ++i)  // every meter has a first sample at t = 0
    if (circuits_[i].metered) meters_[i].published = fuse_current(static_cast<int>(i));
}

int World::circuit_index(const std::string& id) const {
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (circuits_[i].id == id) return static_cast<int>(i);
  throw std::runtime_error("site model: unknown circuit " + id);
}

int World::charger_index(const std::string& id) const {
  for (std::size_t i = 0; i < chargers_.size(); ++i)
    if (chargers_[i].id == id) return static_cast<int>(i);
  throw std::runtime_error("site model: unknown charger " + id);
}

void World::fuse_currents(std::vector<Amps3>& household, std::vector<Amps3>& ev) const {
  const std::size_t n = circuits_.size();
  household.assign(n, Amps3{});
  ev.assign(n, Amps3{});
  for (std::size_t i = 0; i < n; ++i)
    for (int a = static_cast<int>(i); a >= 0; a = parent_[a])
      for (int p = 0; p < 3; ++p) household[a][p] += household_[i][p];
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    const Amps3 d = charger_site_draw(static_cast<int>(c));
    for (int a = charger_circuit_[c]; a >= 0; a = parent_[a])
      for (int p = 0; p < 3; ++p) ev[a][p] += d[p];
  }
}

// What the car would draw on each charger phase if it followed the offer at once.
Amps3 World::target_draw(int c) const {
  const auto& spec = chargers_[c];
  const auto& t = truth_[c];
  Amps3 d{};
  if (t.fault && t.fault_draws) return t.draw.now;  // stuck contactor: draws on, whatever it is offered
  if (!t.car.plugged || t.fault) return d;
  if (!t.offer.run || t.offer.amps < pilot_minimum) return d;
  const int n = std::min({t.offer.phases, spec.wired_phases, t.car.phases});
  const double a = std::min({t.offer.amps, t.car.want, t.car.max, spec.hw_max});
  for (int i = 0; i < n; ++i) d[i] = std::max(0.0, a);
  return d;
}

void World::retarget(int c) {
  auto& d = truth_[c].draw;
  const auto& car = truth_[c].car;
  const Amps3 target = target_draw(c);
  for (int i = 0; i < 3; ++i) {
    const double heading = d.pending[i] ? d.next[i] : d.now[i];
    if (target[i] == heading) continue;
    if (target[i] == d.now[i]) {
      d.pending[i] = false;
      continue;
    }
    d.pending[i] = true;
    d.next[i] = target[i];
    d.next_at[i] = now_ + (target[i] > d.now[i] ? car.lag_up : car.lag_down);
    if (d.next_at[i] == now_) {
      d.now[i] = target[i];
      d.pending[i] = false;
    }
  }
}

void World::step() {
  ++now_;
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    auto& t = truth_[c];
    const auto& spec = chargers_[c];
    if (spec.has_watchdog && t.watchdog_armed && !t.watchdog_expired &&
        seconds(now_ - t.last_exchange) >= spec.watchdog_timeout) {
      t.watchdog_expired = true;
      t.offer = Offer{spec.failsafe, spec.wired_phases, spec.failsafe >= pilot_minimum};
      retarget(static_cast<int>(c));
    }
    for (int i = 0; i < 3; ++i)
      if (t.draw.pending[i] && now_ >= t.draw.next_at[i]) {
        t.draw.now[i] = t.draw.next[i];
        t.draw.pending[i] = false;
      }
  }
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    const auto& m = circuits_[i].meter;
    auto& mt = meters_[i];
    if (!circuits_[i].metered || mt.silent || m.refresh <= 0) continue;
    if ((now_ - m.offset) % m.refresh != 0) continue;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    mt.published = mt.nan ? Amps3{nan, nan, nan} : fuse_current(static_cast<int>(i));
    mt.published_at = now_;
  }
}

Amps3 World::charger_site_draw(int c) const {
  Amps3 s{};
  const auto& spec = chargers_[c];
  for (int i = 0; i < 3; ++i) s[spec.phase_map[i]] += truth_[c].draw.now[i];
  return s;
}

Amps3 World::fuse_household(int circuit) const {
  Amps3 s{};
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (below(static_cast<int>(i), circuit))
      for (int p = 0; p < 3; ++p) s[p] += household_[i][p];
  return s;
}

Amps3 World::fuse_ev(int circuit) const {
  Amps3 s{};
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    if (!below(charger_circuit_[c], circuit)) continue;
    const Amps3 d = charger_site_draw(static_cast<int>(c));
    for (int p = 0; p < 3; ++p) s[p] += d[p];
  }
  return s;
}

Amps3 World::fuse_current(int circuit) const {
  Amps3 h = fuse_household(circuit);
  const Amps3 e = fuse_ev(circuit);
  for (int p = 0; p < 3; ++p) h[p] += e[p];
  return h;
}

bool World::exchange(int c) {
  auto& t = truth_[c];
  if (t.silent) return false;
  t.last_exchange = now_;
  return true;
}

bool World::write(int c, const policies::Setpoint& s, WriteOutcome outcome) {
  auto& t = truth_[c];
  const auto& spec = chargers_[c];
  if (t.silent) return false;
  t.last_exchange = now_;
  if (!s.run && !spec.can_pause) return false;  // refused: the driver cannot pause it
  if (outcome == WriteOutcome::ignored) {
    t.deviation_at = now_;
    return true;
  }
  if (outcome == WriteOutcome::failed_not_applied) return false;
  const int phases = std::clamp(s.phases, 1, spec.wired_phases);
  t.offer = Offer{std::min<double>(s.amps, spec.hw_max), phases, s.run};
  t.watchdog_expired = false;
  retarget(c);
  return outcome == WriteOutcome::ok;
}

void World::reboot(int c) {
  auto& t = truth_[c];
  const auto& spec = chargers_[c];
  t.offer = Offer{std::min(spec.power_on, spec.hw_max), spec.wired_phases, true};
  t.watchdog_armed = false;
  t.watchdog_expired = false;
  ++t.boots;
  t.deviation_at = now_;
  retarget(c);
}

void World::set_offer(int c, const Offer& o) {
  truth_[c].offer = o;
  retarget(c);
}

}  // namespace ampgate::site_model
