// The KEBA P30 and Vestel EVC04 models against their Modbus TCP tables (the project's
// reference table from the vendors' guides), through libmodbus on loopback.
#include "tests/sim/model_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;
using KebaModel = ModelTest;
using VestelModel = ModelTest;

TEST_F(KebaModel, ReadsOneValueOfTwoRegistersAtATimeOnly) {
  start("keba");
  auto ctx = keba();
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1110), 16000);  // max supported current, mA
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1000), 1);      // not ready: no car
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1602), 0);      // failsafe timeout off at power-on
  EXPECT_EQ(read_holding(ctx.get(), 255, 1000, 4, regs), EMBXILADD);
  EXPECT_EQ(read_holding(ctx.get(), 255, 1001, 2, regs), EMBXILADD);
  EXPECT_EQ(read_holding(ctx.get(), 255, 1000, 1, regs), EMBXILADD);
  EXPECT_EQ(read_input(ctx.get(), 255, 1000, 2, regs), EMBXILFUN);
  EXPECT_EQ(write_block(ctx.get(), 255, 5004, {8000}), EMBXILFUN);  // FC6 only
}

TEST_F(KebaModel, CurrentIsMilliampsInItsRangeAndEnableZeroPausesTheSession) {
  start("keba", {}, 0);
  auto ctx = keba();
  EXPECT_EQ(write_holding(ctx.get(), 255, 5004, 5999), EMBXILVAL);
  EXPECT_EQ(write_holding(ctx.get(), 255, 5004, 63001), EMBXILVAL);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5004, 10000), 0);
  sim->advance(1);
  EXPECT_DOUBLE_EQ(view("keba").amps[0], 10.0);
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1000), 3);  // charging
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1008), 10000);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5014, 0), 0);
  sim->advance(1);
  EXPECT_FALSE(view("keba").charging);
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1000), 5);  // interrupted / suspended
  ASSERT_EQ(write_holding(ctx.get(), 255, 5014, 1), 0);
  sim->advance(1);
  EXPECT_TRUE(view("keba").charging);
  EXPECT_EQ(view("keba").sessions_ended, 0u);
}

TEST_F(KebaModel, DisableThatEndsTheSessionIsASettableReading) {
  start("keba", {{"disable_ends_session", "true"}}, 0);
  auto ctx = keba();
  ASSERT_EQ(write_holding(ctx.get(), 255, 5014, 0), 0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5014, 1), 0);
  sim->advance(1);
  EXPECT_FALSE(view("keba").charging);
  EXPECT_EQ(view("keba").sessions_ended, 1u);
}

TEST_F(KebaModel, FailsafeTimerIsFedByWritesNotReads) {
  start("keba");
  auto ctx = keba();
  ASSERT_EQ(write_holding(ctx.get(), 255, 5016, 7000), 0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5018, 5), 0);
  EXPECT_EQ(write_holding(ctx.get(), 255, 5016, 5000), EMBXILVAL);
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1600), 7000);
  sim->advance(6);
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1602), 5);  // a read does not feed the timer
  EXPECT_TRUE(view("keba").watchdog_expired);
  EXPECT_DOUBLE_EQ(view("keba").effective_limit, 7.0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5018, 5), 0);  // re-writing the timeout is the keep-alive
  EXPECT_FALSE(view("keba").watchdog_expired);
}

TEST_F(KebaModel, EnergyUnitIsSettable) {
  start("keba", {{"energy_unit", "Wh"}}, 0);
  sim->advance(360);  // 16 A x 3 x 230 V for 0.1 h = 1104 Wh
  auto ctx = keba();
  const auto wh = static_cast<double>(holding_u32(ctx.get(), 255, 1502));
  EXPECT_GE(wh, 1100);  // not 0.1 Wh (11 040)
  EXPECT_LT(wh, 1200);
  EXPECT_NEAR(wh, view("keba").session_kwh * 1000, 5);
}

TEST_F(KebaModel, PhaseSwitchTakesEffectFromModbus) {
  start("keba", {}, 0);
  auto ctx = keba();
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1550), 3);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5052, 0), 0);
  sim->advance(1);
  EXPECT_EQ(view("keba").amps, (std::array<double, 3>{16, 0, 0}));
  EXPECT_EQ(holding_u32(ctx.get(), 255, 1552), 0);
  EXPECT_EQ(write_holding(ctx.get(), 255, 5052, 2), EMBXILVAL);
}

TEST_F(VestelModel, DynamicCurrentZeroPausesSixToThirtyTwoCharge) {
  start("vestel", {}, 0);
  auto ctx = vestel();
  EXPECT_EQ(write_holding(ctx.get(), 255, 5004, 5), EMBXILVAL);
  EXPECT_EQ(write_holding(ctx.get(), 255, 5004, 33), EMBXILVAL);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5004, 0), 0);
  sim->advance(1);
  EXPECT_FALSE(view("vestel").charging);
  ASSERT_EQ(read_input(ctx.get(), 255, 1000, 107, regs), 0);  // one block over the status area
  EXPECT_EQ(regs[0], 3);  // SuspendedEVSE
  EXPECT_EQ(regs[4], 3);  // vehicle connected and locked
  ASSERT_EQ(write_holding(ctx.get(), 255, 5004, 12), 0);
  sim->advance(1);
  EXPECT_DOUBLE_EQ(view("vestel").amps[2], 12.0);
  ASSERT_EQ(read_input(ctx.get(), 255, 1008, 1, regs), 0);
  EXPECT_EQ(regs[0], 12000);  // mA
  EXPECT_EQ(view("vestel").sessions_ended, 0u);
}

TEST_F(VestelModel, FailsafeAfterItsTimeoutAndWhatFeedsItIsSettable) {
  start("vestel", {{"keepalive", "alive_register"}});
  auto ctx = vestel();
  ASSERT_EQ(write_holding(ctx.get(), 255, 2000, 7), 0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 2002, 5), 0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 6000, 1), 0);
  EXPECT_EQ(holding(ctx.get(), 255, 6000), 0);  // the charger clears the alive bit
  sim->advance(4);
  ASSERT_EQ(write_holding(ctx.get(), 255, 5004, 10), 0);  // not the alive register: does not count
  sim->advance(2);
  EXPECT_TRUE(view("vestel").watchdog_expired);
  EXPECT_DOUBLE_EQ(view("vestel").effective_limit, 7.0);
  ASSERT_EQ(write_holding(ctx.get(), 255, 6000, 1), 0);
  EXPECT_FALSE(view("vestel").watchdog_expired);
  EXPECT_DOUBLE_EQ(view("vestel").effective_limit, 10.0);
  EXPECT_EQ(write_holding(ctx.get(), 255, 2001, 0), EMBXILADD);
}

}  // namespace
}  // namespace ampgate::sim
