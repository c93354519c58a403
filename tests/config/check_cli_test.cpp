// `ampgate check` as a user runs it: every example is accepted, and every class of mistake
// in tests/config/bad/ is rejected with exit code 2 and FILE:LINE:COLUMN: path: message.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_program.h"

using ampgate::test::run_program;
namespace fs = std::filesystem;

namespace {

const std::string examples_dir = AMPGATE_SOURCE_DIR "/examples";
const std::string bad_dir = AMPGATE_SOURCE_DIR "/tests/config/bad";

TEST(CheckExamples, TheDocumentedExamplesExist) {
  for (const char* name : {"home-1phase-p1.yaml", "home-3phase-solar.yaml", "garage-subpanel.yaml",
                           "fleet-20-teltocharge.yaml", "mixed-site.yaml"}) {
    EXPECT_TRUE(fs::exists(examples_dir + "/" + name)) << name;
  }
}

TEST(CheckExamples, EveryExamplePassesAndPrintsItsTree) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(examples_dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++checked;
    auto r = run_program(AMPGATE_BINARY, {"check", entry.path().string()});
    EXPECT_EQ(r.exit_code, 0) << entry.path() << "\n" << r.err;
    EXPECT_EQ(r.err, "") << entry.path();
    EXPECT_NE(r.out.find(": valid"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mains: limit"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("charger "), std::string::npos) << r.out;
  }
  EXPECT_GE(checked, 5);
}

TEST(CheckExamples, FleetTreeHoldsTwentyChargersUnderTheMains) {
  auto r = run_program(AMPGATE_BINARY, {"check", examples_dir + "/fleet-20-teltocharge.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t chargers = 0;
  for (std::size_t at = r.out.find("charger bay-"); at != std::string::npos; at = r.out.find("charger bay-", at + 1))
    ++chargers;
  EXPECT_EQ(chargers, 20u);
  EXPECT_NE(r.out.find("mains fuse 100 A"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("L1→L2 L2→L3 L3→L1"), std::string::npos) << "rotated phase maps are shown";
}

TEST(CheckExamples, GarageTreeShowsBothLimits) {
  auto r = run_program(AMPGATE_BINARY, {"check", examples_dir + "/garage-subpanel.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 16 A sub-panel minus the 0.5 A safety margin; the charger hangs below it.
  auto circuit = r.out.find("circuit garage: limit 16 A, effective 15.5 A");
  auto charger = r.out.find("charger garage-evse");
  ASSERT_NE(circuit, std::string::npos) << r.out;
  EXPECT_GT(charger, circuit) << r.out;
  EXPECT_NE(r.out.find("mains: limit 25 A, effective 24.5 A"), std::string::npos) << r.out;
}

struct BadCase {
  const char* file;
  const char* position;  // "LINE:COLUMN: path"
  std::vector<std::string> words;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

class CheckRejects : public testing::TestWithParam<BadCase> {};

TEST_P(CheckRejects, WithExitTwoAndThePositionOfTheMistake) {
  const BadCase& c = GetParam();
  const std::string file = bad_dir + "/" + c.file;
  auto r = run_program(AMPGATE_BINARY, {"check", file});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "") << "nothing on stdout for an invalid site";
  const std::string expected = file + ":" + c.position + ": ";
  auto line_start = r.err.find(expected);
  ASSERT_NE(line_start, std::string::npos) << "expected a line starting " << expected << " in:\n" << r.err;
  const std::string line = r.err.substr(line_start, r.err.find('\n', line_start) - line_start);
  for (const auto& w : c.words) EXPECT_NE(line.find(w), std::string::npos) << "'" << w << "' missing in: " << line;
}

INSTANTIATE_TEST_SUITE_P(
    EveryErrorClass, CheckRejects,
    testing::Values(
        // yaml-cpp notices the unclosed '[' of line 8 where the flow should have ended.
        BadCase{"syntax.yaml", "9:16", {"YAML syntax error", "sequence"}},
        BadCase{"unknown-key.yaml", "13:5: chargers[0].max_curent", {"unknown key 'max_curent'", "did you mean 'max_current'"}},
        BadCase{"wrong-type.yaml", "4:15: site.mains_fuse", {"expected a number", "twenty-five"}},
        BadCase{"current-out-of-range.yaml", "13:18: chargers[0].max_current", {"90 A", "outside 6–80 A"}},
        BadCase{"fuse-zero.yaml", "4:15: site.mains_fuse", {"0 A", "outside"}},
        BadCase{"unit-out-of-range.yaml", "12:11: chargers[0].unit", {"248", "1–247"}},
        BadCase{"duplicate-id.yaml", "14:9: chargers[1].id", {"duplicate", "'drive'", "line 9"}},
        BadCase{"missing-bus.yaml", "11:10: chargers[0].bus", {"no bus", "'rs458'", "did you mean 'rs485'"}},
        BadCase{"missing-circuit.yaml", "16:14: chargers[0].circuit", {"no circuit", "'garaj'", "did you mean 'garage'"}},
        BadCase{"missing-meter.yaml", "5:16: site.mains_meter", {"no meter", "'grid'", "grid-meter"}},
        BadCase{"unit-clash.yaml", "19:11: chargers[0].unit", {"unit id 1", "bus 'rs485'", "meters[0] 'grid'"}},
        BadCase{"circuit-cycle.yaml", "10:13: circuits[0].parent", {"cycle", "barn → shed → barn"}},
        BadCase{"limit-above-parent.yaml", "13:12: circuits[1].limit", {"32 A", "above", "'subpanel'", "20 A"}},
        BadCase{"three-phase-on-one-phase-site.yaml", "13:13: chargers[0].phases", {"3-phase charger", "1-phase site"}},
        BadCase{"phase-map-not-permutation.yaml", "13:16: chargers[0].phase_map", {"not a permutation", "L2 is missing"}},
        // The one rule when the gateway is not in control (issue 11, classes 1, 2, 3, 12; issue 18).
        BadCase{"failsafe-sum-above-circuit.yaml", "9:5: circuits[0]",
                {"failsafe currents below 'garage' add up to 32 A on L1 (wb1 16 A, wb2 16 A) above the limit 25 A - "
                 "margin 0 A; lower failsafe_current"}},
        BadCase{"watchdog-claimed-without-registers.yaml", "14:23: chargers[0].failsafe_current",
                {"this generic has no watchdog, so it never falls back to 6 A; remove failsafe_current or add "
                 "watchdog_timeout and failsafe_current registers"}},
        BadCase{"no-way-to-pause.yaml", "15:7: chargers[0].registers",
                {"no way to pause this charger: add an 'enable' register (written 0 to pause, 1 to charge), or set "
                 "'pause_with_zero: true' when current_setpoint takes 0 A"}},
        BadCase{"fallback-above-circuit.yaml", "26:24: policy.meter_lost_fallback",
                {"20 A is above what 'garage' allows, 16 A - margin 0 A; lower meter_lost_fallback"}},
        BadCase{"margin-above-circuit.yaml", "5:18: site.safety_margin",
                {"10 A leaves nothing of the limit 10 A of 'shed'; lower safety_margin"}},
        BadCase{"min-above-device-max.yaml", "13:18: chargers[0].min_current",
                {"40 A is above the most this teltocharge can deliver, 32 A: it could never charge; lower "
                 "min_current to at most 32 A"}}));

TEST(CheckWarns, AFallbackThatLeavesLittleForTheHouseLoadsWithAWarning) {
  const std::string file = AMPGATE_SOURCE_DIR "/tests/config/warn/fallback-leaves-little.yaml";
  auto r = run_program(AMPGATE_BINARY, {"check", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(": valid"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(file + ":22:24: policy.meter_lost_fallback: warning: while the meter of 'mains' is silent its "
                              "chargers may take 16 A, leaving 9 A of its 25 A for the rest of the load (less than "
                              "half); lower meter_lost_fallback"),
            std::string::npos)
      << r.err;
}

TEST(CheckExamples, SaysHowEachChargerIsReservedWhileSilent) {
  auto garage = run_program(AMPGATE_BINARY, {"check", examples_dir + "/garage-subpanel.yaml"});
  ASSERT_EQ(garage.exit_code, 0) << garage.err;
  EXPECT_NE(garage.out.find("when silent reserved at its last command (16 A, its max_current, when unknown) until its "
                            "fixed 11 s watchdog falls back to 0 A"),
            std::string::npos)
      << garage.out;
  auto mixed = run_program(AMPGATE_BINARY, {"check", examples_dir + "/mixed-site.yaml"});
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_NE(mixed.out.find("until the watchdog expires after 30 s, then its failsafe 6 A"), std::string::npos)
      << mixed.out;
}

TEST(CheckRejects, ReportsEveryProblemInOnePassTopToBottom) {
  const std::string file = bad_dir + "/many-problems.yaml";
  auto r = run_program(AMPGATE_BINARY, {"check", file});
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> expected{file + ":4:11: site.phases:", file + ":8:39: buses[0].rtu.parity:",
                                    file + ":10:9: chargers[0].id:", file + ":11:12: chargers[0].model:",
                                    file + ":14:18: chargers[0].max_current:", file + ":15:11: chargers[0].mode:"};
  std::size_t last = 0;
  for (const auto& e : expected) {
    auto at = r.err.find(e);
    ASSERT_NE(at, std::string::npos) << e << " missing in:\n" << r.err;
    EXPECT_GE(at, last) << e << " out of order";
    last = at;
  }
  EXPECT_NE(r.err.find("did you mean 'teltocharge'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("6 problems"), std::string::npos) << r.err;
}

TEST(CheckRejects, AMissingFileWithAClearMessage) {
  const std::string file = bad_dir + "/does-not-exist.yaml";
  auto r = run_program(AMPGATE_BINARY, {"check", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ": cannot read the site file: No such file or directory"), std::string::npos) << r.err;
}

TEST(CheckRejects, NoFileArgumentIsAUsageError) {
  auto r = run_program(AMPGATE_BINARY, {"check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: ampgate check FILE"), std::string::npos) << r.err;
}

}  // namespace

namespace {

// Issue 12: check works out each serial bus's poll timing and warns, with the numbers,
// what a line too slow for its devices cannot meet; the site stays valid.
TEST(CheckTiming, ASlowBusIsValidButWarnedAboutWithItsNumbers) {
  auto r = run_program(AMPGATE_BINARY, {"check", AMPGATE_SOURCE_DIR "/tests/config/timing/slow-bus.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bus slow: meters read every 0.25 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 chargers read once every"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning: bus slow: a meter is read only every"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("longer than policy.control_period 1.00 s"), std::string::npos) << r.err;
}

TEST(CheckTiming, TheFleetExamplePrintsItsRoundWithoutWarnings) {
  auto r = run_program(AMPGATE_BINARY, {"check", examples_dir + "/fleet-20-teltocharge.yaml"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("bus rs485: meters read every 0.25 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20 chargers read once every"), std::string::npos) << r.out;
}

}  // namespace
