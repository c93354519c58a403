// The judge on hand-built worlds: it must flag what a gateway did wrong and nothing else
// (a checker that cries wolf would be weakened by the next person; one that never fires
// proves nothing).
#include <gtest/gtest.h>

#include "tests/site_model/judge.h"

namespace ampgate::site_model {
namespace {

using policies::Setpoint;

Scenario two_chargers(bool metered) {
  Scenario s;
  CircuitSpec mains;
  mains.id = policies::mains_id;
  mains.limit = 25;
  mains.metered = metered;
  s.circuits = {mains};
  ChargerSpec a, b;
  a.id = "a";
  b.id = "b";
  a.car.lag_down = b.car.lag_down = 50;  // 5 s to follow a lower offer
  a.car.lag_up = b.car.lag_up = 0;       // a higher one at once
  s.chargers = {a, b};
  return s;
}

TEST(SiteModelJudge, RaiseBeforeTheReducedCarFollowedIsAPrefixViolation) {
  const Scenario s = two_chargers(false);
  World w(s.circuits, s.chargers);
  w.write(0, Setpoint{16, 3, true}, World::WriteOutcome::ok);
  w.step();
  const Judge j(s, w);
  const std::vector<Setpoint> believed{{16, 3, true}, {0, 3, false}};
  // Pause a, then raise b: a's car may still draw 16 A when b takes 16 A.
  const auto v = j.prefix(w, {{{0, {0, 3, false}}}, {{1, {16, 3, true}}}}, believed);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->limit, "mains L1");
  EXPECT_DOUBLE_EQ(v->amps, 32);
}

TEST(SiteModelJudge, RaiseAfterTheReducedCarFollowedIsSafe) {
  const Scenario s = two_chargers(false);
  World w(s.circuits, s.chargers);
  w.write(0, Setpoint{16, 3, true}, World::WriteOutcome::ok);
  w.step();
  w.write(0, Setpoint{0, 3, false}, World::WriteOutcome::ok);
  for (int i = 0; i < 51; ++i) w.step();  // a's car has followed the pause
  const Judge j(s, w);
  const std::vector<Setpoint> believed{{0, 3, false}, {0, 3, false}};
  EXPECT_FALSE(j.prefix(w, {{{1, {16, 3, true}}}}, believed).has_value());
  // ... but not two raises that together exceed the fuse, in any order.
  EXPECT_TRUE(j.prefix(w, {{{1, {16, 3, true}}, {0, {10, 3, true}}}}, believed).has_value());
}

TEST(SiteModelJudge, AHouseholdStepIsTheGatewaysProblemOnlyAfterTheAllowance) {
  Scenario s = two_chargers(true);
  World w(s.circuits, s.chargers);
  w.write(0, Setpoint{16, 3, true}, World::WriteOutcome::ok);
  Judge j(s, w);
  w.step();
  ASSERT_FALSE(j.steady(w, std::nullopt, 0));
  w.household(0) = {12, 0, 0};  // 28 A on L1 from now on, and nobody lowers a
  std::optional<Violation> v;
  Tick over = 0;
  while (!v && over < 1000) {
    w.step();
    ++over;
    v = j.steady(w, std::nullopt, 0);
  }
  ASSERT_TRUE(v.has_value());
  // Over from the first tick on (tick 1); flagged once it has been over for longer than R.
  EXPECT_EQ(over, 1 + j.allowance() + 1);
  EXPECT_EQ(v->limit, "mains L1");
}

TEST(SiteModelJudge, AHouseholdAloneAboveTheFuseIsNotHeldAgainstTheGateway) {
  Scenario s = two_chargers(true);
  World w(s.circuits, s.chargers);
  Judge j(s, w);
  w.household(0) = {30, 0, 0};
  for (int i = 0; i < 500; ++i) {
    w.step();
    ASSERT_FALSE(j.steady(w, std::nullopt, 0)) << "at tick " << w.now();
  }
}

TEST(SiteModelJudge, AnUnaskedRebootIsJudgedAtTheCommandUntilTheAllowanceHasPassed) {
  const Scenario s = two_chargers(false);
  World w(s.circuits, s.chargers);
  w.write(0, Setpoint{8, 3, true}, World::WriteOutcome::ok);
  w.write(1, Setpoint{16, 3, true}, World::WriteOutcome::ok);
  w.step();
  w.reboot(0);  // back at its power-on 16 A: 32 A would be possible
  w.step();
  const Judge j(s, w);
  const std::vector<Setpoint> believed{{8, 3, true}, {16, 3, true}};
  EXPECT_FALSE(j.prefix(w, {}, believed).has_value());
  for (Tick t = 0; t < j.allowance(); ++t) w.step();
  EXPECT_TRUE(j.prefix(w, {}, believed).has_value()) << "left at its power-on current after R";
}

}  // namespace
}  // namespace ampgate::site_model
