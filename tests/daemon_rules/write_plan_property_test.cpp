// The write plan's promise over generated sites: chargers on a small fuse tree, rotated and
// single-phase installs, phase switches, phase-map changes after a reload and unknown
// setpoints; limits set so that what is in force and the target both fit (the worst case a
// correct allocation can leave). Every state the site can pass through while the plan runs
// must fit too (rule_checks.h judges them without the plan's code).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "gateway/daemon/write_plan.h"
#include "tests/daemon_rules/rule_checks.h"

namespace ampgate::gateway::test {
namespace {

using policies::Phase;
using policies::Setpoint;

// A short run in the suite; bench/write_plan_property.sh runs many more (AMPGATE_PLAN_RUNS).
int generated_sites() {
  const char* env = std::getenv("AMPGATE_PLAN_RUNS");
  return env ? std::max(1, std::atoi(env)) : 2000;
}

Setpoint random_setpoint(std::mt19937& rng, int wired) {
  std::uniform_int_distribution<int> amps(6, 32), pick(0, 3);
  if (pick(rng) == 0) return {0, wired == 1 ? 1 : 3, false};
  return {amps(rng), wired == 1 || pick(rng) == 0 ? 1 : 3, true};
}

std::array<Phase, 3> random_map(std::mt19937& rng) {
  static const std::array<std::array<Phase, 3>, 3> rotations{{{Phase::L1, Phase::L2, Phase::L3},
                                                              {Phase::L2, Phase::L3, Phase::L1},
                                                              {Phase::L3, Phase::L1, Phase::L2}}};
  return rotations[std::uniform_int_distribution<int>(0, 2)(rng)];
}

TEST(WritePlanProperty, EveryPrefixOfEveryPlanFitsWhenBothEndsFit) {
  std::mt19937 rng(20261201);
  int mixed = 0;
  const int runs = generated_sites();
  for (int run = 0; run < runs; ++run) {
    std::uniform_int_distribution<int> count(1, 6), coin(0, 1), five(0, 4);
    std::vector<JudgedCircuit> circuits{{"mains", "", 0, {}}, {"sub", "mains", 0, {}}, {"garage", "sub", 0, {}}};
    const char* ids[] = {"mains", "sub", "garage"};
    std::vector<JudgedCharger> chargers;
    std::vector<ChargerInForce> in_force;
    policies::Allocation target;
    const int n = count(rng);
    for (int j = 0; j < n; ++j) {
      ChargerInForce c;
      c.id = "c" + std::to_string(j);
      c.wired_phases = coin(rng) ? 3 : 1;
      c.phase_map = random_map(rng);
      if (five(rng) == 0) c.in_force_phase_map = random_map(rng);
      c.in_force = random_setpoint(rng, c.wired_phases);
      c.unknown = five(rng) == 0;
      c.since = std::uniform_real_distribution<double>(80, 100)(rng);
      target.setpoints.push_back({c.id, random_setpoint(rng, c.wired_phases), {}});
      in_force.push_back(c);
      chargers.push_back({c, ids[std::uniform_int_distribution<int>(0, 2)(rng)]});
    }
    // Limits: exactly the larger of the two ends, per circuit and phase, so no slack hides a bad order.
    const WritePlan plan = plan_writes(in_force, target, {100, 5});
    for (auto& circuit : circuits) {
      policies::PerPhase ends{};
      for (int p = 0; p < 3; ++p) {
        double before = 0, after = 0;
        for (std::size_t j = 0; j < chargers.size(); ++j) {
          const bool under = circuit.id == "mains" || chargers[j].circuit == circuit.id ||
                             (circuit.id == "sub" && chargers[j].circuit == "garage");
          if (!under) continue;
          const auto& c = chargers[j].charger;
          before += draw_of(c.in_force, c.wired_phases, c.in_force_phase_map.value_or(c.phase_map))[p];
          after += draw_of(target.setpoints[j].setpoint, c.wired_phases, c.phase_map)[p];
        }
        ends[p] = std::max(before, after);
      }
      // One limit per circuit; the household fills each phase up to it.
      circuit.limit = std::max({ends[0], ends[1], ends[2]});
      for (int p = 0; p < 3; ++p) circuit.household[p] = circuit.limit - ends[p];
    }
    for (const auto& stage : plan.stages)
      for (const auto& w : stage) mixed += !w.is_target;
    ASSERT_EQ(first_overload(circuits, chargers, plan), "") << "run " << run;
    ASSERT_EQ(first_unbounded_state(in_force, target, plan), "") << "run " << run;
  }
  EXPECT_GT(mixed, runs / 10) << "the generator should produce split changes often";
}

}  // namespace
}  // namespace ampgate::gateway::test
