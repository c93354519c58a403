#include "tests/site_model/run.h"

#include <algorithm>
#include <sstream>

#include "gateway/daemon/failsafe_plan.h"
#include "tests/site_model/gateway_harness.h"

namespace ampgate::site_model {
namespace {

// Things an event started that end after its duration.
struct Ending {
  Tick at = 0;
  EventKind kind = EventKind::household;
  int index = 0;
};

void apply(const Event& e, World& w, GatewayHarness& g, std::vector<Ending>& endings) {
  const auto charger = [&] { return w.charger_index(e.target); };
  const auto circuit = [&] { return w.circuit_index(e.target); };
  const auto until = [&](EventKind k, int i) {
    if (e.duration > 0) endings.push_back({e.at + e.duration, k, i});
  };
  switch (e.kind) {
    case EventKind::household: w.household(circuit()) = e.amps; break;
    case EventKind::plug: {
      auto& car = w.charger(charger()).car;
      car.plugged = true;
      car.want = e.value > 0 ? e.value : car.max;
      w.car_changed(charger());
      break;
    }
    case EventKind::unplug:
      w.charger(charger()).car.plugged = false;
      w.car_changed(charger());
      break;
    case EventKind::car_want:
      w.charger(charger()).car.want = e.value;
      w.car_changed(charger());
      break;
    case EventKind::reboot:
      w.reboot(charger());
      if (e.duration > 0) w.charger(charger()).silent = true;
      until(EventKind::charger_silent, charger());
      break;
    case EventKind::charger_silent:
      w.charger(charger()).silent = true;
      until(e.kind, charger());
      break;
    case EventKind::meter_silent:
      w.meter(circuit()).silent = true;
      until(e.kind, circuit());
      break;
    case EventKind::meter_nan:
      w.meter(circuit()).nan = true;
      until(e.kind, circuit());
      break;
    case EventKind::write: g.next_write(charger(), e.outcome); break;
    case EventKind::fault: {
      auto& t = w.charger(charger());
      t.fault = true;
      t.fault_draws = e.draws;
      w.car_changed(charger());
      until(e.kind, charger());
      break;
    }
    case EventKind::mode: g.set_mode(charger(), e.mode); break;
    case EventKind::external:
      g.set_external(policies::ExternalLimit{e.per_phase, e.sum, seconds(e.at + (e.duration > 0 ? e.duration : 1000000))});
      break;
    case EventKind::restart:
      g.crash();
      if (e.duration > 0) endings.push_back({e.at + e.duration, e.kind, 0});
      else g.back();
      break;
    case EventKind::reload: g.reload(); break;
    case EventKind::stop: g.stop(); break;
  }
}

void end(const Ending& x, World& w, GatewayHarness& g) {
  switch (x.kind) {
    case EventKind::charger_silent: w.charger(x.index).silent = false; break;
    case EventKind::meter_silent: w.meter(x.index).silent = false; break;
    case EventKind::meter_nan: w.meter(x.index).nan = false; break;
    case EventKind::fault:
      w.charger(x.index).fault = false;
      w.car_changed(x.index);
      break;
    case EventKind::restart: g.back(); break;
    default: break;
  }
}

}  // namespace

// The failsafe currents the gateway programs: what the site asks for, lowered by the
// daemon's own pure rule (gateway/daemon/failsafe_plan.h) where they would add up above a
// fuse. The devices hold what was programmed, so the world falls back to these.
static Scenario with_programmed_failsafes(Scenario s) {
  std::vector<gateway::FailsafeCircuit> circuits;
  for (const auto& c : s.circuits) circuits.push_back({c.id, c.parent, c.limit});
  std::vector<gateway::FailsafeCharger> chargers;
  for (const auto& c : s.chargers) {
    gateway::FailsafeCharger f;
    f.id = c.id;
    f.circuit = c.circuit;
    f.wired_phases = c.wired_phases;
    for (int i = 0; i < 3; ++i) f.phase_map[i] = static_cast<policies::Phase>(c.phase_map[i]);
    f.failsafe = c.failsafe;
    f.min_current = c.min;
    chargers.push_back(f);
  }
  auto plan = gateway::safe_failsafes(circuits, chargers, std::max(0.0, s.policy.safety_margin));
  for (std::size_t i = 0; i < s.chargers.size() && i < plan.failsafe.size(); ++i) s.chargers[i].failsafe = plan.failsafe[i];
  return s;
}

RunResult run_scenario(const Scenario& given, bool to_the_end) {
  const Scenario s = with_programmed_failsafes(given);
  World world(s.circuits, s.chargers);
  for (std::size_t c = 0; c < s.chargers.size(); ++c) world.exchange(static_cast<int>(c));
  GatewayHarness gateway(s, world);
  Judge judge(s, world);
  std::vector<Ending> endings;
  std::size_t next = 0;
  RunResult r;
  while (world.now() < s.duration) {
    world.step();
    for (std::size_t i = 0; i < endings.size();)
      if (endings[i].at <= world.now()) {
        end(endings[i], world, gateway);
        endings.erase(endings.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    while (next < s.events.size() && s.events[next].at <= world.now()) apply(s.events[next++], world, gateway, endings);
    auto v = gateway.tick(judge);
    if (!v) v = judge.steady(world, gateway.external(), gateway.excused_until());
    if (v && !r.violation) r.violation = v;
    if (r.violation && !to_the_end) break;
  }
  r.decisions = gateway.decisions();
  return r;
}

std::string to_string(const Violation& v) {
  std::ostringstream o;
  o << v.rule << " violation at t=" << seconds(v.at) << " s on " << v.limit << ": " << v.amps << " A, allowed "
    << v.allowed << " A";
  if (!v.detail.empty()) o << " (" << v.detail << ")";
  return o.str();
}

}  // namespace ampgate::site_model
