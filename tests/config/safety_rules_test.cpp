// The loader's safety rules as other code sees them: what lands in the model and what is
// refused, for failsafe sums through phase maps, watchdogs, pausing and device limits.
#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/config_load.h"

using namespace ampgate::config;

namespace {

const std::string base = R"(site:
  name: Test
  phases: 3
  mains_fuse: 25
buses:
  - id: rs485
    rtu: {port: /dev/ttyUSB0}
  - id: lan
    tcp: {host: 192.168.1.40}
)";

std::string messages(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.format() + "\n";
  return out;
}

bool has_problem(const LoadResult& r, const std::string& path, const std::string& words) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const Problem& p) {
    return p.path == path && p.message.find(words) != std::string::npos;
  });
}

TEST(SafetyRules, OnePhaseFailsafesOnDifferentPhasesDoNotAddUp) {
  // Three 1-phase chargers at 16 A each, rotated over L1, L2, L3: 16 A per phase fits 25 A.
  auto spread = load_site_text(base + R"(chargers:
  - {id: a, model: teltocharge, bus: rs485, unit: 1, phases: 1, phase_map: [L1], max_current: 16, failsafe_current: 16}
  - {id: b, model: teltocharge, bus: rs485, unit: 2, phases: 1, phase_map: [L2], max_current: 16, failsafe_current: 16}
  - {id: c, model: teltocharge, bus: rs485, unit: 3, phases: 1, phase_map: [L3], max_current: 16, failsafe_current: 16}
)", "t.yaml");
  EXPECT_TRUE(spread.site) << messages(spread);
  // Two of them on the same site phase: 32 A on L2.
  auto stacked = load_site_text(base + R"(chargers:
  - {id: a, model: teltocharge, bus: rs485, unit: 1, phases: 1, phase_map: [L2], max_current: 16, failsafe_current: 16}
  - {id: b, model: teltocharge, bus: rs485, unit: 2, phases: 1, phase_map: [L2], max_current: 16, failsafe_current: 16}
)", "t.yaml");
  EXPECT_TRUE(has_problem(stacked, "site.mains_fuse", "32 A on L2 (a 16 A, b 16 A) above the limit 25 A")) << messages(stacked);
}

TEST(SafetyRules, TheMarginCountsAgainstTheFailsafes) {
  auto r = load_site_text(R"(site: {name: T, phases: 3, mains_fuse: 25, safety_margin: 2}
buses: [{id: rs485, rtu: {port: /dev/ttyUSB0}}]
chargers:
  - {id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 16, failsafe_current: 12}
  - {id: b, model: teltocharge, bus: rs485, unit: 2, max_current: 16, failsafe_current: 12}
)", "t.yaml");
  EXPECT_TRUE(has_problem(r, "site.mains_fuse", "24 A on L1 (a 12 A, b 12 A) above the limit 25 A - margin 2 A"))
      << messages(r);
}

TEST(SafetyRules, GenericChargerWithZeroPauseAndWatchdogRegistersLoads) {
  auto r = load_site_text(base + R"(chargers:
  - id: g
    model: generic
    bus: lan
    unit: 1
    max_current: 16
    failsafe_current: 6
    watchdog_timeout: 20
    pause_with_zero: true
    registers:
      current_setpoint: {address: 300}
      watchdog_timeout: {address: 310}
      failsafe_current: {address: 311}
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  EXPECT_TRUE(r.site->chargers[0].pause_with_zero);
  EXPECT_EQ(r.site->chargers[0].failsafe_current, 6);
}

TEST(SafetyRules, PauseWithZeroIsOnlyForGenericChargers) {
  auto r = load_site_text(base + R"(chargers:
  - {id: t, model: teltocharge, bus: rs485, unit: 1, max_current: 16, pause_with_zero: true}
)", "t.yaml");
  EXPECT_TRUE(has_problem(r, "chargers[0].pause_with_zero", "only for model 'generic'")) << messages(r);
}

TEST(SafetyRules, HalfAWatchdogIsRefused) {
  auto r = load_site_text(base + R"(chargers:
  - id: g
    model: generic
    bus: lan
    unit: 1
    max_current: 16
    registers:
      current_setpoint: {address: 300}
      enable: {address: 301}
      watchdog_timeout: {address: 310}
)", "t.yaml");
  EXPECT_TRUE(has_problem(r, "chargers[0].registers", "give watchdog_timeout and failsafe_current, or neither"))
      << messages(r);
}

TEST(SafetyRules, SmartEvseWatchdogIsWhatTheDeviceDoes) {
  auto wrong = load_site_text(base + R"(chargers:
  - {id: s, model: smartevse, bus: rs485, unit: 1, max_current: 16, failsafe_current: 6, watchdog_timeout: 30}
)", "t.yaml");
  EXPECT_TRUE(has_problem(wrong, "chargers[0].failsafe_current", "fixed and falls back to 0 A")) << messages(wrong);
  EXPECT_TRUE(has_problem(wrong, "chargers[0].watchdog_timeout", "fixed at 11 s")) << messages(wrong);
  auto quiet = load_site_text(base + R"(chargers:
  - {id: s, model: smartevse, bus: rs485, unit: 1, max_current: 16}
)", "t.yaml");
  ASSERT_TRUE(quiet.site) << messages(quiet);
  EXPECT_EQ(quiet.site->chargers[0].watchdog_timeout, 11) << "the gateway reserves for the device's own timeout";
  EXPECT_EQ(quiet.site->chargers[0].failsafe_current, 0);
}

TEST(SafetyRules, AWarningDoesNotStopTheSiteLoading) {
  auto r = load_site_text(R"(site: {name: T, phases: 3, mains_fuse: 25, mains_meter: grid}
buses: [{id: rs485, rtu: {port: /dev/ttyUSB0}}]
meters: [{id: grid, model: sdm630, role: mains, bus: rs485, unit: 11}]
chargers: [{id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 16}]
policy: {meter_lost_fallback: 13}
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].path, "policy.meter_lost_fallback");
  auto fine = load_site_text(R"(site: {name: T, phases: 3, mains_fuse: 25, mains_meter: grid}
buses: [{id: rs485, rtu: {port: /dev/ttyUSB0}}]
meters: [{id: grid, model: sdm630, role: mains, bus: rs485, unit: 11}]
chargers: [{id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 16}]
policy: {meter_lost_fallback: 12}
)", "t.yaml");
  ASSERT_TRUE(fine.site) << messages(fine);
  EXPECT_TRUE(fine.warnings.empty());
}

}  // namespace
