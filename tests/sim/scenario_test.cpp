// Scenario files load into values, and mistakes come back as FILE:LINE:COLUMN messages.
#include <gtest/gtest.h>

#include "gateway/sim/scenario.h"

namespace ampgate::sim {
namespace {

TEST(Scenario, LoadsEveryKey) {
  const auto r = load_scenario_text(R"(time_scale: 60
tick_ms: 50
wire_timing: true
turnaround_ms: 3
seed: 7
household:
  interpolation: step
  profile:
    - {time: 0, L1: 2, L2: 1, L3: 1}
    - {time: 2h, L1: 8, L2: 3, L3: 3}
solar:
  profile:
    - {time: 10h, L1: 0, L2: 0, L3: 0}
    - {time: 13h, L1: 12, L2: 12, L3: 12}
evs:
  - {charger: a, plug_in: 10m, plug_out: 1h30m, phases: 1, max_current: 16, energy_wanted: 10}
faults:
  - {device: grid, kind: silent, from: 1m, to: 2m}
  - {device: a, kind: bad_crc, probability: 0.25}
  - {device: a, kind: slow, delay_ms: 300}
  - {device: b, kind: exception, code: 6, from: 0, to: 30}
presets:
  a: {19: 5, 20: 6}
)", "s.yaml");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].format();
  const auto& s = *r.scenario;
  EXPECT_DOUBLE_EQ(s.time_scale, 60);
  EXPECT_DOUBLE_EQ(s.tick, 0.05);
  EXPECT_TRUE(s.wire_timing);
  EXPECT_EQ(s.household.interpolation, Interpolation::step);
  EXPECT_DOUBLE_EQ(s.household.points[1].time, 7200);
  EXPECT_DOUBLE_EQ(s.evs[0].plug_in, 600);
  EXPECT_DOUBLE_EQ(*s.evs[0].plug_out, 5400);
  EXPECT_EQ(s.evs[0].phases, 1);
  EXPECT_EQ(s.faults[1].kind, FaultKind::bad_crc);
  EXPECT_DOUBLE_EQ(s.faults[1].probability, 0.25);
  EXPECT_EQ(s.faults[3].code, 6);
  EXPECT_EQ(s.presets.at("a").at(19), 5);
}

TEST(Scenario, ProblemsPointAtTheLineAndColumn) {
  const auto r = load_scenario_text(R"(time_scale: 60
evs:
  - charger: a
    phases: 2
faults:
  - {device: a, kind: sleepy}
)", "s.yaml");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_FALSE(r.scenario);
  EXPECT_EQ(r.problems[0].format(), "s.yaml:4:13: evs[0].phases: must be 1 or 3");
  EXPECT_EQ(r.problems[1].line, 6);
  EXPECT_EQ(r.problems[1].path, "faults[0].kind");
}

TEST(Scenario, UnknownKeysAndBadDurationsAreNamed) {
  const auto r = load_scenario_text("time_scal: 60\nevs:\n  - {charger: a, plug_in: soon}\n", "s.yaml");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_NE(r.problems[0].message.find("unknown key"), std::string::npos);
  EXPECT_EQ(r.problems[0].line, 1);
  EXPECT_NE(r.problems[1].message.find("'soon' is not a duration"), std::string::npos);
}

TEST(Scenario, InvalidYamlAndMissingFile) {
  EXPECT_EQ(load_scenario_text("evs: [\n", "s.yaml").problems.size(), 1u);
  const auto r = load_scenario_file("/nonexistent/scenario.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].format().find("cannot read"), std::string::npos);
}

TEST(Scenario, Durations) {
  EXPECT_EQ(parse_duration("90"), 90);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("2.5s"), 2.5);
  EXPECT_FALSE(parse_duration("1h30"));
  EXPECT_FALSE(parse_duration("-5"));
  EXPECT_FALSE(parse_duration("5d"));
}


// Issue 14: the scenario is read with the site loader's YAML layer, so a misspelt key gets
// the same fix a site file's does, at its line and column.
TEST(Scenario, AMisspeltKeyGetsItsFixAtItsLineAndColumn) {
  const auto r = load_scenario_text("seed: 1\nevs:\n  - {charger: a, plug_inn: 10}\n", "s.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].format(), "s.yaml:3:18: evs[0].plug_inn: unknown key 'plug_inn' (did you mean 'plug_in'?)");
}

TEST(Scenario, BrokenYamlNamesFileLineAndColumn) {
  const auto r = load_scenario_text("evs:\n  - {charger: a\n", "s.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].format().rfind("s.yaml:", 0), 0u) << r.problems[0].format();
  EXPECT_NE(r.problems[0].message.find("YAML syntax error"), std::string::npos) << r.problems[0].format();
  EXPECT_GT(r.problems[0].line, 0);
}

}  // namespace
}  // namespace ampgate::sim
