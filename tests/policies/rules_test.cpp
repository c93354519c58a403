// Rules that are about the interface rather than one site: reasons read as documented,
// allocation is a pure function of its inputs, and memory follows the chargers.
#include <gtest/gtest.h>

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

TEST(PolicyRules, InvalidSnapshotIsAnErrorAUserCanActOn) {
  auto site = two_chargers();
  site.chargers[1].phase_map = {Phase::L1, Phase::L1, Phase::L3};
  PolicyMemory m;
  const auto a = allocate(site, m, 0);
  EXPECT_EQ(a.error, "charger b: phase map must use L1, L2 and L3 once each");
  for (const auto& s : a.setpoints) EXPECT_FALSE(s.setpoint.run) << s.id;

  site = two_chargers();
  site.circuits[1].parent = "garage";  // a loop
  EXPECT_NE(allocate(site, m, 0).error.find("loop"), std::string::npos);
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
