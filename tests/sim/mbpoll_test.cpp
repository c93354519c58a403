// The simulator checked with an independent Modbus client: Debian's `mbpoll`, run as a
// child process against the simulator's pty. Nothing of ampgate's own Modbus code is on
// the client side.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"
#include "tests/support/run_program.h"

namespace ampgate::sim {
namespace {

using ampgate::test::run_program;
using ampgate::test::ProgramResult;

constexpr const char* mbpoll = "/usr/bin/mbpoll";

class MbpollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Scenario sc;
    Ev ev;
    ev.charger = "a";
    sc.evs = {ev};  // a car is plugged in, so the failsafe current is visible as current
    sim = std::make_unique<Simulator>(test::small_site(), sc, Options{true, {}});
    sim->start();
    port = sim->rtu_path("rs485");
  }
  void TearDown() override { sim->stop(); }

  // mbpoll on the charger's unit, 0-based register numbers, one poll, 1 s timeout.
  ProgramResult run(int reference, int count, const std::vector<std::string>& values = {}) {
    std::vector<std::string> args{"-m", "rtu", "-b", "9600", "-P", "none", "-a", "11", "-0", "-t", "4", "-1", "-o", "1",
                                  "-r", std::to_string(reference)};
    if (values.empty()) args.insert(args.end(), {"-c", std::to_string(count)});  // a write counts its values
    args.push_back(port);
    args.insert(args.end(), values.begin(), values.end());
    return run_program(mbpoll, args);
  }

  // Waits, bounded, for a state the simulator reports (polling it does not touch the bus).
  bool wait_for(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  }

  std::unique_ptr<Simulator> sim;
  std::string port;
};

TEST_F(MbpollTest, ReadsTeltoChargeRegisters) {
  const auto r = run(9, 4);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[9]: \t21571"), std::string::npos) << r.out;  // "TC"
  EXPECT_NE(r.out.find("[12]: \t16"), std::string::npos) << r.out;    // amp limit
}

TEST_F(MbpollTest, WritesAmpsToUseAndTheChargerFollows) {
  const auto w = run(15, 1, {"10"});
  ASSERT_EQ(w.exit_code, 0) << w.out << w.err;
  const auto r = run(15, 1);
  EXPECT_NE(r.out.find("[15]: \t10"), std::string::npos) << r.out;
  ASSERT_TRUE(wait_for([&] { return sim->charger("a")->amps[0] == 10.0; }));
  const auto current = run(3, 1);
  EXPECT_NE(current.out.find("[3]: \t100"), std::string::npos) << current.out;  // 10.0 A in tenths
}

TEST_F(MbpollTest, InvalidAmpsAreRejectedWithIllegalDataValue) {
  ASSERT_EQ(run(15, 1, {"10"}).exit_code, 0);
  const auto w = run(15, 1, {"40"});
  EXPECT_NE(w.exit_code, 0);
  EXPECT_NE((w.out + w.err).find("Illegal data value"), std::string::npos) << w.out << w.err;
  const auto r = run(15, 1);
  EXPECT_NE(r.out.find("[15]: \t10"), std::string::npos) << r.out;  // unchanged
}

TEST_F(MbpollTest, WatchdogFallsBackToFailsafeCurrentAndRecovers) {
  ASSERT_EQ(run(15, 1, {"12"}).exit_code, 0);
  ASSERT_EQ(run(19, 2, {"1", "6"}).exit_code, 0);  // communication timeout 1 s, failsafe 6 A
  // No traffic now: the charger must fall to 6 A on its own.
  ASSERT_TRUE(wait_for([&] { return sim->charger("a")->amps[0] == 6.0; }));
  EXPECT_TRUE(sim->charger("a")->watchdog_expired);
  const auto current = run(3, 1);  // what the charger measured before this request arrived
  EXPECT_NE(current.out.find("[3]: \t60"), std::string::npos) << current.out;
  // That request was communication: the charger is back on amps-to-use.
  EXPECT_FALSE(sim->charger("a")->watchdog_expired);
  EXPECT_DOUBLE_EQ(sim->charger("a")->effective_limit, 12.0);
}

}  // namespace
}  // namespace ampgate::sim
