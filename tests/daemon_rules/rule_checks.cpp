#include "tests/daemon_rules/rule_checks.h"

#include <sstream>

namespace ampgate::gateway::test {

namespace {

using policies::PerPhase;
using policies::Setpoint;

PerPhase draw(const Setpoint& s, const ChargerInForce& c, bool old_map) {
  PerPhase d{};
  if (!s.run) return d;
  const auto& map = old_map && c.in_force_phase_map ? *c.in_force_phase_map : c.phase_map;
  const int used = c.wired_phases == 1 || s.phases == 1 ? 1 : 3;
  for (int i = 0; i < used; ++i) d[static_cast<int>(map[i])] += s.amps;
  return d;
}

bool below(const std::vector<JudgedCircuit>& circuits, std::string at, const std::string& id) {
  for (std::size_t hops = 0; hops <= circuits.size() && !at.empty(); ++hops) {
    if (at == id) return true;
    std::string parent;
    for (const auto& c : circuits)
      if (c.id == at) parent = c.parent;
    at = parent;
  }
  return false;
}

struct State {
  std::vector<Setpoint> value;
  std::vector<bool> written;  // written by this plan: judged under the target's map
};

}  // namespace

namespace {
std::string first_overload_from(const std::vector<JudgedCircuit>& circuits, const std::vector<JudgedCharger>& chargers,
                                const WritePlan& plan, bool lowest);
}  // namespace

// A charger with `at_least` may be running that instead of `in_force`: every state is judged
// from both (a raise from the lower one must wait for the reductions like any raise).
std::string first_overload(const std::vector<JudgedCircuit>& circuits, const std::vector<JudgedCharger>& chargers,
                           const WritePlan& plan) {
  std::string r = first_overload_from(circuits, chargers, plan, false);
  if (r.empty()) r = first_overload_from(circuits, chargers, plan, true);
  return r;
}

namespace {
std::string first_overload_from(const std::vector<JudgedCircuit>& circuits, const std::vector<JudgedCharger>& chargers,
                                const WritePlan& plan, bool lowest) {
  State base;
  for (const auto& c : chargers) {
    base.value.push_back(lowest && c.charger.at_least ? *c.charger.at_least : c.charger.in_force);
    base.written.push_back(false);
  }
  auto index = [&](const std::string& id) {
    for (std::size_t j = 0; j < chargers.size(); ++j)
      if (chargers[j].charger.id == id) return j;
    return chargers.size();
  };
  std::vector<std::vector<bool>> under(circuits.size(), std::vector<bool>(chargers.size()));
  for (std::size_t i = 0; i < circuits.size(); ++i)
    for (std::size_t j = 0; j < chargers.size(); ++j) under[i][j] = below(circuits, chargers[j].circuit, circuits[i].id);
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const auto& stage = plan.stages[k];
    if (stage.size() > 16) return "stage too large to judge";
    for (std::uint32_t mask = 0; mask < (1u << stage.size()); ++mask) {
      State s = base;
      for (std::size_t w = 0; w < stage.size(); ++w)
        if (mask & (1u << w)) {
          auto j = index(stage[w].charger);
          if (j == chargers.size()) return "plan writes an unknown charger " + stage[w].charger;
          s.value[j] = stage[w].setpoint;
          s.written[j] = true;
        }
      std::vector<PerPhase> draws;
      for (std::size_t j = 0; j < chargers.size(); ++j) draws.push_back(draw(s.value[j], chargers[j].charger, !s.written[j]));
      for (std::size_t i = 0; i < circuits.size(); ++i)
        for (int p = 0; p < 3; ++p) {
          const auto& circuit = circuits[i];
          double amps = circuit.household[p];
          for (std::size_t j = 0; j < chargers.size(); ++j)
            if (under[i][j]) amps += draws[j][p];
          if (amps > circuit.limit + 1e-9) {
            std::ostringstream out;
            out << "stage " << k + 1 << " with {";
            for (std::size_t w = 0; w < stage.size(); ++w)
              if (mask & (1u << w)) out << " " << stage[w].charger;
            out << " } done: circuit " << circuit.id << " L" << p + 1 << " " << amps << " A > " << circuit.limit << " A";
            return out.str();
          }
        }
    }
    for (const auto& w : stage) {
      auto j = index(w.charger);
      base.value[j] = w.setpoint;
      base.written[j] = true;
    }
  }
  return "";
}
}  // namespace

std::string first_unbounded_state(const std::vector<ChargerInForce>& in_force, const policies::Allocation& target,
                                  const WritePlan& plan) {
  // Per charger: the value before and after each stage; a stage's states are bounded by the
  // in-force state when every charger's two values are within its in-force draw, or by the
  // target when they are within its target draw.
  std::vector<Setpoint> now;
  for (const auto& c : in_force) now.push_back(c.in_force);
  std::vector<bool> written(in_force.size(), false);
  auto leq = [](const PerPhase& a, const PerPhase& b) {
    for (int i = 0; i < 3; ++i)
      if (a[i] > b[i] + 1e-9) return false;
    return true;
  };
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    std::vector<Setpoint> after = now;
    std::vector<bool> after_written = written;
    for (const auto& w : plan.stages[k])
      for (std::size_t j = 0; j < in_force.size(); ++j)
        if (in_force[j].id == w.charger) {
          after[j] = w.setpoint;
          after_written[j] = true;
        }
    bool within_old = true, within_new = true;
    for (std::size_t j = 0; j < in_force.size(); ++j) {
      const auto& c = in_force[j];
      const auto* t = target.find(c.id);
      const PerPhase old_draw = draw(c.in_force, c, true);
      const PerPhase new_draw = t ? draw(t->setpoint, c, false) : old_draw;
      for (auto [v, w] : {std::pair{now[j], written[j]}, std::pair{after[j], after_written[j]}}) {
        const PerPhase d = draw(v, c, !w);
        within_old = within_old && leq(d, old_draw);
        within_new = within_new && leq(d, new_draw);
      }
    }
    if (!within_old && !within_new)
      return "stage " + std::to_string(k + 1) + " passes through a state above both what was in force and the target";
    now = after;
    written = after_written;
  }
  return "";
}

}  // namespace ampgate::gateway::test
