// The TeltoCharge model against the vendor's external-control register map (seed 001,
// both tables), through libmodbus on the simulator's pty: defaults, ranges, register 16
// in both readings, stop that ends a session, authorization, watchdog, reboot.
#include "tests/sim/model_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;
constexpr int unit = 11;  // charger "a": 16 A install, three phases

using TeltoChargeModel = ModelTest;

TEST_F(TeltoChargeModel, PowerOnValuesAreTheVendorDefaults) {
  start("a");
  auto ctx = rtu();
  ASSERT_EQ(read_holding(ctx.get(), unit, 0, 45, regs), 0);
  EXPECT_EQ(regs[9], 21571);  // "TC"
  EXPECT_EQ(regs[12], 16);    // amp limit
  EXPECT_EQ(regs[13], 6);     // phase connected: 3ph
  EXPECT_EQ(regs[14], 6);     // phase to use: the wiring
  EXPECT_EQ(regs[16], 0);
  EXPECT_EQ(regs[18], 0);     // lock: auto
  EXPECT_EQ(regs[19], 30);    // communication timeout
  EXPECT_EQ(regs[20], 6);     // failsafe current
  EXPECT_EQ(regs[21], 0);
  EXPECT_EQ(regs[22], 0);     // no authorization required
  EXPECT_EQ(regs[6], 7);      // A: no EV
  EXPECT_EQ(regs[27], 0);     // no EV connected
  EXPECT_EQ(regs[33], 0);     // IEC A
}

TEST_F(TeltoChargeModel, WritesOutsideTheTableAreException3AndChangeNothing) {
  start("a");
  auto ctx = rtu();
  for (auto [reg, bad] : std::vector<std::pair<int, int>>{{15, 5}, {15, 33}, {20, 1}, {20, 33}, {19, 601}, {14, 8},
                                                          {16, 2}, {17, 2}, {18, 3}, {21, 2}})
    EXPECT_EQ(write_holding(ctx.get(), unit, reg, bad), EMBXILVAL) << "register " << reg << " = " << bad;
  EXPECT_EQ(write_block(ctx.get(), unit, 15, {10, 2}), EMBXILVAL);  // 16 = 2 is not in the older table
  ASSERT_EQ(read_holding(ctx.get(), unit, 14, 8, regs), 0);
  EXPECT_EQ(regs, (std::vector<std::uint16_t>{6, 16, 0, 0, 0, 30, 6, 0}));
  EXPECT_EQ(write_holding(ctx.get(), unit, 12, 10), EMBXILADD);  // read-only
  EXPECT_EQ(write_holding(ctx.get(), unit, 45, 0), EMBXILADD);
}

TEST_F(TeltoChargeModel, AmpsToUseZeroPausesWithoutEndingTheSession) {
  start("a", {{"register_16", "start_stop"}, {"stop_ends_session", "true"}}, 0);
  auto ctx = rtu();
  sim->advance(1);
  EXPECT_TRUE(view("a").charging);
  ASSERT_EQ(write_holding(ctx.get(), unit, 15, 0), 0);
  sim->advance(1);
  EXPECT_FALSE(view("a").charging);
  EXPECT_EQ(holding(ctx.get(), unit, 27), 4);  // charging paused
  ASSERT_EQ(write_holding(ctx.get(), unit, 15, 10), 0);
  sim->advance(1);
  EXPECT_TRUE(view("a").charging);
  EXPECT_DOUBLE_EQ(view("a").amps[0], 10.0);
  EXPECT_EQ(view("a").sessions_started, 1u);
  EXPECT_EQ(view("a").sessions_ended, 0u);
}

// Newer table: 0 = do not intervene, 1 = stop session, 2 = start session if stopped.
TEST_F(TeltoChargeModel, NewerTableZeroDoesNotResumeAStoppedSessionTwoDoes) {
  start("a", {{"register_16", "start_stop"}}, 0);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 1), 0);
  sim->advance(1);
  EXPECT_FALSE(view("a").charging);
  EXPECT_EQ(holding(ctx.get(), unit, 27), 6);  // stopped by the user
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 0), 0);
  sim->advance(1);
  EXPECT_FALSE(view("a").charging) << "0 means: do not intervene";
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 2), 0);
  sim->advance(1);
  EXPECT_TRUE(view("a").charging);
  EXPECT_EQ(view("a").sessions_ended, 0u);
}

TEST_F(TeltoChargeModel, OlderTableIsAFlagThatZeroClears) {
  start("a", {}, 0);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 1), 0);
  sim->advance(1);
  EXPECT_FALSE(view("a").charging);
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 0), 0);
  sim->advance(1);
  EXPECT_TRUE(view("a").charging);
}

TEST_F(TeltoChargeModel, StopThatEndsTheSessionNeedsTheCarPluggedInAgain) {
  Scenario sc;
  Ev first;
  first.charger = "a";
  first.plug_out = 5;
  Ev again = first;
  again.plug_in = 10;
  again.plug_out.reset();
  sc.evs = {first, again};
  start("a", {{"register_16", "start_stop"}, {"stop_ends_session", "true"}}, 1e9, sc);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 1), 0);
  sim->advance(1);
  ASSERT_EQ(write_holding(ctx.get(), unit, 16, 2), 0);
  sim->advance(1);
  EXPECT_FALSE(view("a").charging) << "an ended session does not start again";
  EXPECT_EQ(view("a").sessions_ended, 1u);
  EXPECT_FALSE(view("a").session_open);
  EXPECT_TRUE(view("a").plugged);
  sim->advance(10);  // unplugged at 5 s, plugged in again at 10 s: a new session charges
  EXPECT_TRUE(view("a").charging);
  EXPECT_EQ(view("a").sessions_started, 2u);
}

TEST_F(TeltoChargeModel, RequiredAuthorizationHoldsTheCarUntilRegister17) {
  start("a", {{"requires_authorization", "true"}}, 0);
  auto ctx = rtu();
  sim->advance(1);
  EXPECT_EQ(holding(ctx.get(), unit, 22), 1);
  EXPECT_FALSE(view("a").charging);
  EXPECT_EQ(holding(ctx.get(), unit, 6), 5);   // D2: no authorization
  EXPECT_EQ(holding(ctx.get(), unit, 27), 1);  // awaiting permission
  ASSERT_EQ(write_holding(ctx.get(), unit, 17, 1), 0);
  sim->advance(1);
  EXPECT_TRUE(view("a").charging);
}

TEST_F(TeltoChargeModel, WatchdogFallsToTheFailsafeCurrentAndAnyValidRequestFeedsIt) {
  Scenario sc;
  sc.presets["a"] = {{19, 5}, {20, 8}};
  start("a", {}, 1e9, sc);
  auto ctx = rtu();
  ASSERT_EQ(holding(ctx.get(), unit, 19), 5);
  sim->advance(4);
  ASSERT_EQ(holding(ctx.get(), unit, 0), 230);  // a read is communication too
  sim->advance(4);
  EXPECT_FALSE(view("a").watchdog_expired);
  sim->advance(2);
  EXPECT_TRUE(view("a").watchdog_expired);
  EXPECT_DOUBLE_EQ(view("a").effective_limit, 8.0);
  EXPECT_EQ(holding(ctx.get(), unit, 36), 5);  // limited by the EVSE default settings; this read ends it
  EXPECT_FALSE(view("a").watchdog_expired);
  EXPECT_EQ(holding(ctx.get(), unit, 36), 0);  // hardware limit (amps to use = amp limit)
}

TEST_F(TeltoChargeModel, RebootRequestRestoresPowerOnValues) {
  start("a");
  auto ctx = rtu();
  ASSERT_EQ(write_block(ctx.get(), unit, 15, {10, 0, 0, 0, 12, 0}), 0);
  ASSERT_EQ(write_holding(ctx.get(), unit, 21, 1), 0);
  ASSERT_EQ(read_holding(ctx.get(), unit, 15, 7, regs), 0);
  EXPECT_EQ(regs, (std::vector<std::uint16_t>{16, 0, 0, 0, 30, 6, 0}));
}

TEST_F(TeltoChargeModel, PhaseToUseChoosesTheLinesTheCarGets) {
  start("a", {}, 0);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 14, 1), 0);  // L2 only
  sim->advance(1);
  EXPECT_EQ(view("a").amps, (std::array<double, 3>{0, 16, 0}));
  ASSERT_EQ(read_holding(ctx.get(), unit, 3, 3, regs), 0);
  EXPECT_EQ(regs, (std::vector<std::uint16_t>{0, 160, 0}));  // tenths of an ampere
  ASSERT_EQ(write_holding(ctx.get(), unit, 14, 7), 0);  // none
  sim->advance(1);
  EXPECT_FALSE(view("a").charging);
}

}  // namespace
}  // namespace ampgate::sim
