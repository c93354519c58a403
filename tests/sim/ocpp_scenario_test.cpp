// The scenario file's `ocpp:` section (docs/simulator.md, "OCPP charge points").
#include <gtest/gtest.h>

#include "gateway/sim/scenario.h"

namespace ampgate::sim {
namespace {

TEST(OcppScenario, ReadsChargePointsAndTheirKnobs) {
  auto r = load_scenario_text(R"(
ocpp:
  site_model: evnet_ocpp
  charge_points:
    evnet1:
      central_system: wss://cs.example:8443/ocpp
      password: s3cret
      circuit: garage
      phase: L3
      offline_limits: keep_profiles
      plug_and_charge: false
      reconnect_max: 2m
      keys: {MeterValueSampleInterval: 10}
)", "s.yaml");
  ASSERT_TRUE(r.scenario) << r.problems.front().format();
  const auto& o = r.scenario->ocpp;
  EXPECT_EQ(o.site_model, "evnet_ocpp");
  const auto* c = o.find("evnet1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->phase, "L3");
  EXPECT_EQ(c->offline_limits, OfflineLimits::keep_profiles);
  EXPECT_FALSE(c->plug_and_charge);
  EXPECT_EQ(c->reconnect_max, 120);
  EXPECT_EQ(c->keys.at("MeterValueSampleInterval"), "10");
}

TEST(OcppScenario, MistakesNameTheirLine) {
  auto r = load_scenario_text(R"(ocpp:
  charge_points:
    evnet1:
      central_system: http://nope
      phase: L4
      offline: yes
)", "s.yaml");
  ASSERT_FALSE(r.scenario);
  ASSERT_EQ(r.problems.size(), 3u);
  std::string all;
  for (const auto& p : r.problems) all += p.format() + "\n";
  EXPECT_NE(all.find("s.yaml:4:23: ocpp.charge_points.evnet1.central_system: must be a ws:// or wss:// URL"), std::string::npos) << all;
  EXPECT_NE(all.find("s.yaml:5:14: ocpp.charge_points.evnet1.phase: must be one of: L1, L2, L3"), std::string::npos) << all;
  EXPECT_NE(all.find("ocpp.charge_points.evnet1.offline: unknown key"), std::string::npos) << all;
}

}  // namespace
}  // namespace ampgate::sim
