// The `reboot` fault: a charger that restarts forgets what a client wrote (the gateway must
// notice and program it again), its status time starts over, its energy counter does not.
#include <gtest/gtest.h>

#include "gateway/sim/scenario.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

TEST(RebootFault, LoadsAsAMomentWithAnOptionalBootTime) {
  const auto r = load_scenario_text(R"(faults:
  - {device: a, kind: reboot, from: 30}
  - {device: b, kind: reboot, from: 1m, to: 70}
)", "s.yaml");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].format();
  const auto& f = r.scenario->faults;
  EXPECT_EQ(f[0].kind, FaultKind::reboot);
  EXPECT_DOUBLE_EQ(f[0].from, 30);
  EXPECT_DOUBLE_EQ(f[0].to, 30);  // no boot time: never silent
  EXPECT_FALSE(f[0].active(30));
  EXPECT_DOUBLE_EQ(f[1].to, 70);
  EXPECT_TRUE(f[1].active(65));
}

TEST(RebootFault, TeltoChargeForgetsWrittenSettingsAndRestartsItsStatusTime) {
  Scenario sc;
  sc.presets["a"] = {{15, 10}, {19, 10}, {20, 8}};  // as a gateway would have programmed it
  sc.evs.push_back({"a", 0, std::nullopt, 3, 16, 1e9});
  sc.faults.push_back({"a", FaultKind::reboot, 20, 20});
  Simulator sim(test::small_site(), sc);
  sim.advance(15);
  EXPECT_EQ(sim.read_register("a", 19), 10);
  EXPECT_EQ(sim.read_register("a", 20), 8);
  EXPECT_EQ(sim.read_register("a", 15), 10);
  const auto status_time_before = *sim.read_register("a", 7);
  EXPECT_GE(status_time_before, 14);
  const auto lifetime_before = *sim.read_register("a", 41);

  sim.advance(10);  // t = 25, five seconds after the reboot
  EXPECT_EQ(sim.read_register("a", 19), 30);  // power-on defaults
  EXPECT_EQ(sim.read_register("a", 20), 6);
  EXPECT_EQ(sim.read_register("a", 15), 16);  // amps to use = amp limit
  EXPECT_LE(*sim.read_register("a", 7), 6);   // status time restarted
  EXPECT_GT(*sim.read_register("a", 41), lifetime_before);  // the energy counter kept counting
  EXPECT_FALSE(sim.charger("a")->watchdog_expired);  // the watchdog counts from power-on
  EXPECT_EQ(sim.read_register("b", 19), 30);  // the neighbour was not touched (and had defaults)
}

}  // namespace
}  // namespace ampgate::sim
