#include "tests/site_model/gateway_harness.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "gateway/daemon/write_plan.h"

namespace ampgate::site_model {
namespace {

using policies::Setpoint;

// How long the gateway keeps the setpoints that were in force (snapshot.h: recent_setpoints).
constexpr double recent_window_s = 30.0;

// The larger of two setpoints: what a charger may run at after a write whose outcome is unknown.
Setpoint larger(const Setpoint& a, const Setpoint& b) {
  const int aa = a.run ? a.amps : 0, ba = b.run ? b.amps : 0;
  return Setpoint{std::max(aa, ba), std::max(a.phases, b.phases), a.run || b.run};
}

}  // namespace

GatewayHarness::GatewayHarness(const Scenario& s, World& w) : scenario_(s), world_(w) {
  // At t = 0 the gateway has been running for a while: it knows what it commanded (every
  // charger starts paused) and has programmed every watchdog the hardware has.
  chargers_.resize(s.chargers.size());
  for (std::size_t c = 0; c < s.chargers.size(); ++c) {
    auto& b = chargers_[c];
    b.last = Setpoint{0, s.chargers[c].wired_phases, false};
    b.asked = b.last;
    b.recent = {{0, b.last}};
    b.mode = s.chargers[c].mode;
    b.verified = s.chargers[c].has_watchdog;
  }
  meters_.resize(s.circuits.size());
}

Setpoint GatewayHarness::unknown_setpoint(int c) const {
  const auto& spec = scenario_.chargers[c];
  const double m = std::isfinite(spec.max) ? std::clamp(spec.max, 0.0, 1000.0) : 1000.0;
  return Setpoint{static_cast<int>(std::ceil(m)), spec.wired_phases, true};
}

void GatewayHarness::commanded(int c, const Setpoint& s, bool known) {
  auto& b = chargers_[c];
  const double now = seconds(world_.now());
  b.last = s;
  b.known = known;
  if (known) b.at_least.reset();
  b.recent.push_back({now, s});
  while (b.recent.size() > 1 && b.recent[1].from < now - recent_window_s) b.recent.erase(b.recent.begin());
}

void GatewayHarness::program_watchdog(int c) {
  if (!scenario_.chargers[c].has_watchdog || !world_.exchange(c)) return;
  world_.charger(c).watchdog_armed = true;  // programmed and read back
  chargers_[c].verified = true;
}

void GatewayHarness::crash() {
  up_ = false;
}

void GatewayHarness::back() {
  up_ = true;
  excused_until_ = world_.now();
  memory_ = {};
  for (auto& m : meters_) m.reset();
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    auto& b = chargers_[c];
    const auto outcomes = b.outcomes;
    const Setpoint asked = b.asked;  // the devices still hold what the old process wrote
    b = Belief{};
    b.outcomes = outcomes;
    b.asked = asked;
    b.mode = scenario_.chargers[c].mode;
    b.last = unknown_setpoint(static_cast<int>(c));
    b.known = false;
    // What was in force before the restart is not known: a history that starts at an
    // unknown time (snapshot.h: nothing is subtracted for it from a meter sample). Without
    // it the first read-back looked in force since ever (seed 6271: a draw read 1.5 s after
    // a meter sample was subtracted from it and hid 2 A of household).
    b.recent = {{std::nan(""), b.last}};
    b.reachable = false;
    b.last_seen = world_.now();  // the previous process may have fed its watchdog just now
    b.boots_seen = -1;
    b.must_write = true;
    b.last_write = world_.now();
    program_watchdog(static_cast<int>(c));
  }
}

void GatewayHarness::reload() { memory_ = {}; }

void GatewayHarness::stop() {
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    const auto& spec = scenario_.chargers[c];
    const Setpoint failsafe{static_cast<int>(spec.failsafe), spec.wired_phases, spec.failsafe > 0};
    world_.write(static_cast<int>(c), failsafe, World::WriteOutcome::ok);
    chargers_[c].asked = failsafe;
  }
  up_ = false;
  stopped_ = true;
}

void GatewayHarness::poll_charger(int c) {
  auto& b = chargers_[c];
  if (!world_.exchange(c)) {
    b.reachable = false;
    return;
  }
  const auto& t = world_.charger(c);
  b.reachable = true;
  b.last_seen = world_.now();
  b.reading = policies::Reading{t.draw.now, seconds(world_.now())};
  const double drawn = t.draw.now[0] + t.draw.now[1] + t.draw.now[2];
  b.state = t.fault ? policies::CarState::fault
            : !t.car.plugged ? policies::CarState::disconnected
            : drawn > 1.0    ? policies::CarState::charging
                             : policies::CarState::connected;
  if (b.boots_seen < 0) {
    b.boots_seen = t.boots;
  } else if (t.boots != b.boots_seen) {  // rebooted (uptime went back): offer unknown, watchdog lost
    b.boots_seen = t.boots;
    commanded(c, unknown_setpoint(c), false);
    b.must_write = true;
    program_watchdog(c);
  }
  if (scenario_.chargers[c].offer_readback) {
    const Setpoint rb{static_cast<int>(std::lround(t.offer.amps)), t.offer.phases, t.offer.run};
    if (!b.known || !(rb == b.last)) commanded(c, rb, true);
  }
}

void GatewayHarness::poll_meter(int i) {
  const auto& m = world_.meter(i);
  if (!scenario_.circuits[i].metered || m.silent || !m.published) return;
  meters_[i] = policies::Reading{*m.published, seconds(m.published_at)};
}

std::optional<Violation> GatewayHarness::tick(const Judge& judge) {
  if (!up_) return std::nullopt;
  const Tick in_period = world_.now() % scenario_.period;
  for (std::size_t i = 0; i < meters_.size(); ++i)
    if (scenario_.circuits[i].meter.read_skew % scenario_.period == in_period) poll_meter(static_cast<int>(i));
  for (std::size_t c = 0; c < chargers_.size(); ++c)
    if (scenario_.chargers[c].read_skew % scenario_.period == in_period) poll_charger(static_cast<int>(c));
  if (in_period != scenario_.decide_at) return std::nullopt;
  return decide(judge);
}

void GatewayHarness::build_snapshot() {
  auto& s = snapshot_;
  s.circuits.clear();
  s.chargers.clear();
  s.policy = scenario_.policy;
  s.external = external_;
  for (std::size_t i = 0; i < scenario_.circuits.size(); ++i) {
    const auto& c = scenario_.circuits[i];
    s.circuits.push_back({c.id, c.parent, c.limit, c.metered, meters_[i]});
  }
  for (std::size_t c = 0; c < scenario_.chargers.size(); ++c) {
    const auto& spec = scenario_.chargers[c];
    const auto& b = chargers_[c];
    policies::ChargerSnapshot x;
    x.id = spec.id;
    x.circuit = spec.circuit;
    x.wired_phases = spec.wired_phases;
    x.can_switch_phases = spec.can_switch_phases;
    for (int i = 0; i < 3; ++i) x.phase_map[i] = static_cast<policies::Phase>(spec.phase_map[i]);
    x.min_current = spec.min;
    x.max_current = spec.max;
    x.failsafe_current = spec.failsafe;
    x.watchdog_timeout = spec.watchdog_timeout;
    x.priority = spec.priority;
    x.mode = b.mode;
    x.state = b.state;
    x.reading = b.reading;
    x.last_setpoint = b.last;
    x.reachable = b.reachable;
    x.last_seen = seconds(b.last_seen);
    x.watchdog_verified = b.verified;
    x.setpoint_known = b.known;
    x.paused_first = b.must_write;  // what the plan below is told (may_be_paused)
    x.recent_setpoints = b.recent;
    s.chargers.push_back(std::move(x));
  }
}

// SITE_MODEL_TRACE=1: one block per decision (what the gateway knew, what it decided), to
// analyse a failing case by hand.
void GatewayHarness::trace(const policies::Allocation& a, const gateway::WritePlan& plan) const {
  std::cerr << "t=" << seconds(world_.now()) << "\n";
  for (std::size_t i = 0; i < meters_.size(); ++i)
    if (meters_[i])
      std::cerr << "  meter " << scenario_.circuits[i].id << " [" << meters_[i]->amps[0] << " " << meters_[i]->amps[1]
                << " " << meters_[i]->amps[2] << "] at " << meters_[i]->at << "\n";
  for (const auto& x : snapshot_.chargers) {
    std::cerr << "  charger " << x.id << " last " << x.last_setpoint.amps << "x" << x.last_setpoint.phases
              << (x.last_setpoint.run ? " run" : " pause") << (x.setpoint_known ? "" : " unknown")
              << (x.reachable ? "" : " silent");
    if (x.reading)
      std::cerr << " read [" << x.reading->amps[0] << " " << x.reading->amps[1] << " " << x.reading->amps[2] << "] at "
                << x.reading->at;
    if (const auto* p = a.find(x.id))
      std::cerr << " -> " << p->setpoint.amps << "x" << p->setpoint.phases << (p->setpoint.run ? " run" : " pause") << " ("
                << policies::to_string(p->reason) << ")";
    std::cerr << "\n";
  }
  for (const auto& e : a.circuits) {
    std::cerr << "  circuit " << e.id << " limit [" << e.limit[0] << " " << e.limit[1] << " " << e.limit[2] << "]";
    if (e.household) std::cerr << " household [" << (*e.household)[0] << " " << (*e.household)[1] << " " << (*e.household)[2] << "]";
    std::cerr << "\n";
  }
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    std::cerr << "  stage " << k + 1 << ":";
    for (const auto& w : plan.stages[k])
      std::cerr << " " << w.charger << " " << w.setpoint.amps << "x" << w.setpoint.phases << (w.setpoint.run ? " run" : " pause");
    std::cerr << "\n";
  }
}

std::optional<Violation> GatewayHarness::decide(const Judge& judge) {
  ++decisions_;
  build_snapshot();
  const policies::Allocation a = policies::allocate(snapshot_, memory_, seconds(world_.now()));
  std::vector<gateway::ChargerInForce> in_force;
  for (std::size_t c = 0; c < chargers_.size(); ++c)
    if (chargers_[c].reachable) {
      const auto& x = snapshot_.chargers[c];
      gateway::ChargerInForce f;
      f.id = x.id;
      f.in_force = x.last_setpoint;
      f.since = x.recent_setpoints.empty() ? 0 : x.recent_setpoints.back().from;
      f.wired_phases = x.wired_phases;
      f.phase_map = x.phase_map;
      f.unknown = !x.setpoint_known;
      // After a failed write the lower of its two setpoints bounds it from below; otherwise
      // a setpoint not known may be anything down to a pause.
      f.at_least = chargers_[c].at_least;
      f.may_be_paused = chargers_[c].must_write || (!x.setpoint_known && !f.at_least);
      in_force.push_back(f);
    }
  gateway::PlanOptions options;
  options.now = seconds(world_.now());
  options.car_follow_time = snapshot_.policy.car_follow_time;
  const gateway::WritePlan plan = gateway::plan_writes(in_force, a, options);
  if (std::getenv("SITE_MODEL_TRACE")) trace(a, plan);

  std::vector<std::vector<JudgedWrite>> stages;
  std::vector<bool> written(chargers_.size(), false);
  for (const auto& stage : plan.stages) {
    stages.emplace_back();
    for (const auto& w : stage) {
      const int c = world_.charger_index(w.charger);
      written[c] = true;
      stages.back().push_back({c, w.setpoint});
    }
  }
  // Keep-alives (a third of the watchdog timeout) go out after the plan, like the daemon's.
  std::vector<JudgedWrite> keep;
  for (std::size_t c = 0; c < chargers_.size(); ++c) {
    const auto* p = a.find(scenario_.chargers[c].id);
    const Tick every = static_cast<Tick>(scenario_.chargers[c].watchdog_timeout / 3 / tick_s);
    if (p && chargers_[c].reachable && !written[c] && world_.now() - chargers_[c].last_write >= every)
      keep.push_back({static_cast<int>(c), p->setpoint});
  }
  if (!keep.empty()) stages.push_back(keep);

  std::vector<Setpoint> believed;
  // The judge's "last command" is what was written, not what the gateway believes since a
  // read-back or a detected reboot showed the reboot's offer (that offer is the unasked
  // change the judge rolls back for R: the gateway cannot stop a reboot, only answer it).
  for (const auto& b : chargers_) believed.push_back(b.asked);
  if (auto v = judge.prefix(world_, stages, believed)) return v;

  for (const auto& stage : stages) {
    bool failed = false;
    for (const auto& w : stage) {
      auto& b = chargers_[w.charger];
      const World::WriteOutcome o = b.outcomes.empty() ? World::WriteOutcome::ok : b.outcomes.front();
      if (!b.outcomes.empty()) b.outcomes.pop_front();
      if (world_.write(w.charger, w.setpoint, o)) {
        b.last_write = world_.now();
        commanded(w.charger, w.setpoint, true);
        b.asked = w.setpoint;
        b.must_write = false;
      } else {
        if (world_.charger(w.charger).silent) b.reachable = false;
        const bool had = b.known || b.at_least;  // a lower bound on record (not after a restart)
        const Setpoint least = gateway::smaller_of(b.at_least.value_or(b.last), w.setpoint, scenario_.chargers[w.charger].wired_phases);
        commanded(w.charger, larger(b.last, w.setpoint), false);
        if (had && !b.must_write) b.at_least = least;
        b.asked = larger(b.asked, w.setpoint);
        failed = true;
      }
    }
    if (failed) break;
  }
  return std::nullopt;
}

}  // namespace ampgate::site_model
