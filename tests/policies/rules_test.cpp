// Rules that are about the interface rather than one site: reasons read as documented,
// allocation is a pure function of its inputs, and memory follows the chargers.
#include <gtest/gtest.h>

#include <limits>

#include "policies/allocate.h"

namespace ampgate::policies {
namespace {

SiteSnapshot two_chargers() {
  SiteSnapshot s;
  s.circuits = {{mains_id, "", 20, false, std::nullopt}, {"garage", mains_id, 16, false, std::nullopt}};
  ChargerSnapshot a;
  a.id = "a";
  a.circuit = "garage";
  a.state = CarState::charging;
  ChargerSnapshot b = a;
  b.id = "b";
  b.session_start = 10;
  s.chargers = {a, b};
  return s;
}

TEST(PolicyRules, ReasonsReadAsDocumented) {
  EXPECT_EQ(to_string(Reason{ReasonKind::fuse, "garage", Phase::L2}), "circuit garage L2");
  EXPECT_EQ(to_string(Reason{ReasonKind::fuse, "mains", Phase::L1}), "mains L1");
  EXPECT_EQ(to_string(Reason{ReasonKind::meter_stale, "mains", std::nullopt}), "meter stale");
  EXPECT_EQ(to_string(Reason{ReasonKind::meter_stale, "garage", std::nullopt}), "meter stale garage");
  EXPECT_EQ(to_string(Reason{ReasonKind::solar_surplus, {}, {}}), "solar surplus");
  EXPECT_EQ(to_string(Reason{ReasonKind::waiting_for_surplus, {}, {}}), "waiting for surplus");
  EXPECT_EQ(to_string(Reason{ReasonKind::ev_max, {}, {}}), "ev max");
}

TEST(PolicyRules, SameInputsGiveSameSetpoints) {
  const auto site = two_chargers();
  PolicyMemory m1, m2;
  const auto x = allocate(site, m1, 5), y = allocate(site, m2, 5);
  ASSERT_EQ(x.setpoints.size(), 2u);
  for (std::size_t i = 0; i < x.setpoints.size(); ++i) {
    EXPECT_EQ(x.setpoints[i].id, y.setpoints[i].id);
    EXPECT_EQ(x.setpoints[i].setpoint, y.setpoints[i].setpoint);
    EXPECT_EQ(x.setpoints[i].reason, y.setpoints[i].reason);
  }
  EXPECT_EQ(x.find("a")->setpoint.amps, 8);
  EXPECT_EQ(to_string(x.find("a")->reason), "circuit garage L1");
}

// A charger's own bad data pauses that charger alone; only a broken tree pauses the site.
TEST(PolicyRules, ABadChargerIsPausedAloneABadTreeIsAnError) {
  auto site = two_chargers();
  site.chargers[1].phase_map = {Phase::L1, Phase::L1, Phase::L3};
  site.chargers[1].reading = Reading{{5, 5, 5}, 0};
  PolicyMemory m;
  auto a = allocate(site, m, 0);
  EXPECT_EQ(a.error, "");
  EXPECT_FALSE(a.find("b")->setpoint.run);
  EXPECT_EQ(to_string(a.find("b")->reason), "invalid charger");
  // Where its phases land is unknown: its 5 A may be on any site phase, three times over.
  EXPECT_EQ(a.find("a")->setpoint.amps, 0);  // 16 - 15 = 1 A left: below its minimum
  site.chargers[1].reading.reset();
  a = allocate(site, m, 0);
  EXPECT_EQ(a.find("a")->setpoint.amps, 16);

  site = two_chargers();
  site.chargers[1].id = "a";  // two chargers under one id: neither is commanded
  a = allocate(site, m, 0);
  for (const auto& s : a.setpoints) EXPECT_EQ(to_string(s.reason), "invalid charger") << s.id;

  site = two_chargers();
  site.chargers[0].max_current = std::numeric_limits<double>::quiet_NaN();
  a = allocate(site, m, 0);
  EXPECT_EQ(to_string(a.find("a")->reason), "invalid charger");
  EXPECT_EQ(a.find("b")->setpoint.amps, 16);

  site = two_chargers();
  site.circuits[1].parent = "garage";  // a loop
  a = allocate(site, m, 0);
  EXPECT_NE(a.error.find("loop"), std::string::npos);
  for (const auto& s : a.setpoints) EXPECT_EQ(to_string(s.reason), "invalid site") << s.id;
}

// Allocation::circuits: the household estimate, the limit in force and the sample time.
TEST(PolicyRules, EstimatesCarryTheLimitInForceAndTheSampleTime) {
  auto site = two_chargers();
  site.policy.safety_margin = 1;
  site.circuits[0].metered = true;
  site.circuits[0].reading = Reading{{10, 4, 4}, 9.5};
  site.chargers[0].reading = Reading{{4, 4, 4}, 9.6};
  site.chargers[0].last_setpoint = Setpoint{4, 3, true};
  PolicyMemory m;
  const auto a = allocate(site, m, 10);
  ASSERT_EQ(a.circuits.size(), 2u);
  EXPECT_EQ(a.circuits[0].id, "mains");
  ASSERT_TRUE(a.circuits[0].household.has_value());
  EXPECT_DOUBLE_EQ((*a.circuits[0].household)[0], 6);
  EXPECT_DOUBLE_EQ((*a.circuits[0].household)[1], 0);
  EXPECT_DOUBLE_EQ(a.circuits[0].limit[0], 19);
  EXPECT_DOUBLE_EQ(a.circuits[0].sample_at, 9.5);
  EXPECT_EQ(a.circuits[1].id, "garage");
  EXPECT_FALSE(a.circuits[1].household.has_value());  // unmetered: not estimated
  EXPECT_DOUBLE_EQ(a.circuits[1].limit[2], 15);
}

TEST(PolicyRules, PhaseChoiceIsRememberedPerCharger) {
  SiteSnapshot s;
  s.circuits = {{mains_id, "", 25, true, Reading{{0, 0, 22}, 0}}};
  ChargerSnapshot c;
  c.id = "sw";
  c.can_switch_phases = true;
  c.state = CarState::charging;
  s.chargers = {c};
  PolicyMemory m;
  EXPECT_EQ(allocate(s, m, 0).find("sw")->setpoint.phases, 1);
  ASSERT_EQ(m.chargers.count("sw"), 1u);
  EXPECT_EQ(m.chargers["sw"].phases, 1);
  ASSERT_TRUE(m.chargers["sw"].phases_since.has_value());
  EXPECT_EQ(*m.chargers["sw"].phases_since, 0);
}

}  // namespace
}  // namespace ampgate::policies
