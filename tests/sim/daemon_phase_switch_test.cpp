// Issue 13, phase switching through the daemon: `ampgate run` against `ampgate simulate`
// with a KEBA P30 (5052, the switch source set to Modbus) and a SmartEVSE v3 (C2 at
// 0x0218, the unverified reading of the model). The household loads L2 and L3 until three
// phases have less than 6 A left while L1 has plenty: the gateway must take the car to one
// phase, and back to three once the load is gone, each time pause -> the car has followed
// -> switch -> the charger reports it -> resume. Judged from outside: what the car drew on
// each line (/state), the fuse log (never a moment over the 50 A fuse), and the session
// (one, never ended by the charger). With the SmartEVSE's other reading (no C2 register)
// the gateway must not switch at all, and the car then pauses instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include "tests/sim/daemon_sim_fixture.h"

namespace ampgate::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr double plug_in = 2;
constexpr double squeeze_at = 20;  // L2/L3 household 33 A: 50 - 12 margin - 33 = 5 A, below 6 A
constexpr double release_at = 45;  // household back at 4 A


class DaemonPhaseSwitch : public DaemonAgainstSim {
 protected:
  std::string scenario(const Reading& r) const override {
    return step_scenario(r, plug_in, squeeze_at, "L1: 4, L2: 33, L3: 33", release_at);
  }
  // The car draws on exactly `lines` of the charger's lines (1: L1 only), by `until`.
  bool drawing_on_by(int lines, double until, nlohmann::json& seen) {
    auto matches = [&] {
      if (!seen["charging"].get<bool>()) return false;
      const auto& a = seen["amps"];
      int on = 0;
      for (int i = 0; i < 3; ++i) on += a[i].get<double>() > 1.0 ? 1 : 0;
      return on == lines && a[0].get<double>() > 1.0;
    };
    poll_until(Seconds(until - sim->time() + 5), [&] {
      seen = bay();
      return matches() || sim->time() > until;
    }, 100ms);
    return matches();
  }
  bool paused_by(double until, nlohmann::json& seen) {
    poll_until(Seconds(until - sim->time() + 5), [&] {
      seen = bay();
      return !seen["charging"].get<bool>() || sim->time() > until;
    }, 100ms);
    return !seen["charging"].get<bool>();
  }
  void expect_fuse_never_over() {
    const auto log = sim->fuse_log();
    for (const auto& c : log["circuits"])
      for (const auto& [phase, v] : c["phases"].items())
        EXPECT_EQ(v["seconds_over"].get<double>(), 0.0) << c["circuit"] << " " << phase << ": " << log.dump();
  }
  void expect_one_open_session(const nlohmann::json& seen) {
    EXPECT_EQ(seen["sessions_started"].get<int>(), 1) << seen.dump();
    EXPECT_EQ(seen["sessions_ended"].get<int>(), 0) << "the charger ended the session: " << seen.dump();
    EXPECT_TRUE(seen["session_open"].get<bool>()) << seen.dump();
  }
};

TEST_P(DaemonPhaseSwitch, ThreeToOneToThreeWithTheFuseNeverOverAndTheSessionKept) {
  nlohmann::json seen;
  ASSERT_TRUE(drawing_on_by(3, squeeze_at - 1, seen)) << "the car never charged on three phases: " << seen.dump();
  ASSERT_TRUE(drawing_on_by(1, release_at - 1, seen))
      << "with 5 A left on L2/L3 and 34 A on L1 the car was not taken to one phase: " << seen.dump();
  expect_one_open_session(seen);
  ASSERT_TRUE(drawing_on_by(3, release_at + 35, seen)) << "the car never went back to three phases: " << seen.dump();
  expect_one_open_session(seen);
  expect_fuse_never_over();
  EXPECT_NE(gateway->log().find("switching phases"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Switchable, DaemonPhaseSwitch,
                         ::testing::Values(Reading{"KebaP30", "keba_p30_switch", "{}"},
                                           Reading{"SmartEvseContact2Register", "smartevse_switch",
                                                   "{contact2: register_0x0218}"},
                                           Reading{"SmartEvseContact2RegisterNormalMode", "smartevse_switch",
                                                   "{contact2: register_0x0218, mode: normal}"}),
                         [](const ::testing::TestParamInfo<Reading>& info) { return std::string(info.param.name); });

// The reference's reading of the SmartEVSE: C2 is a menu setting only. The gateway cannot
// switch, so with 5 A left on two phases the car pauses (three phases or none), the fuse
// is never over, and it charges on three phases again once the load is gone.
class DaemonNoPhaseSwitch : public DaemonPhaseSwitch {};

TEST_P(DaemonNoPhaseSwitch, PausesInsteadWithTheFuseNeverOver) {
  nlohmann::json seen;
  ASSERT_TRUE(drawing_on_by(3, squeeze_at - 1, seen)) << "the car never charged on three phases: " << seen.dump();
  ASSERT_TRUE(paused_by(squeeze_at + 15, seen)) << "the car was not paused: " << seen.dump();
  sim->wait_time(release_at - 2);
  seen = bay();
  EXPECT_FALSE(seen["charging"].get<bool>()) << "charged although three phases had 5 A: " << seen.dump();
  ASSERT_TRUE(drawing_on_by(3, release_at + 20, seen)) << seen.dump();
  expect_one_open_session(seen);
  expect_fuse_never_over();
  EXPECT_EQ(gateway->log().find("switching phases"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(NotSwitchable, DaemonNoPhaseSwitch,
                         ::testing::Values(Reading{"SmartEvseContact2MenuOnly", "smartevse_switch",
                                                   "{contact2: menu_only}"}),
                         [](const ::testing::TestParamInfo<Reading>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ampgate::test
