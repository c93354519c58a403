// The SmartEVSE model against its register description (the project's reference table
// from the firmware's register blocks), through libmodbus on the simulator's pty.
#include "tests/sim/model_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;
using SmartEvseModel = ModelTest;
constexpr int unit = 13;

TEST_F(SmartEvseModel, StatusBlockAndLimitsOfARead) {
  start("evse");
  auto ctx = rtu();
  ASSERT_EQ(read_holding(ctx.get(), unit, 0, 12, regs), 0);
  EXPECT_EQ(regs[0], 0);   // A
  EXPECT_EQ(regs[3], 1);   // Smart at power-on
  EXPECT_EQ(regs[5], 1);   // access ON
  EXPECT_EQ(regs[7], 16);  // max current
  std::vector<std::uint16_t> input;
  ASSERT_EQ(read_input(ctx.get(), unit, 0, 12, input), 0);
  EXPECT_EQ(input, regs) << "FC3 and FC4 read the same data";
  EXPECT_EQ(read_holding(ctx.get(), unit, 0x0100, 23, regs), EMBXILVAL);  // at most 22 per request
  EXPECT_EQ(read_holding(ctx.get(), unit, 0x000B, 2, regs), EMBXILADD);
  EXPECT_EQ(read_holding(ctx.get(), unit, 0x0020, 1, regs), EMBXILADD);  // broadcast area: write only
  EXPECT_EQ(write_block(ctx.get(), unit, 0x0020, {100, 100, 100}), 0);
}

TEST_F(SmartEvseModel, AccessPausePausesOverrideZeroDoesNot) {
  start("evse", {{"mode", "normal"}}, 0);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 2, 100), 0);  // 10.0 A
  sim->advance(1);
  EXPECT_DOUBLE_EQ(view("evse").amps[0], 10.0);
  EXPECT_EQ(holding(ctx.get(), unit, 0), 2);  // C
  ASSERT_EQ(write_holding(ctx.get(), unit, 2, 0), 0);  // no override: back to its own MAX
  sim->advance(1);
  EXPECT_DOUBLE_EQ(view("evse").amps[0], 16.0);
  ASSERT_EQ(write_holding(ctx.get(), unit, 5, 2), 0);  // PAUSE
  sim->advance(1);
  EXPECT_FALSE(view("evse").charging);
  ASSERT_EQ(write_holding(ctx.get(), unit, 5, 1), 0);
  sim->advance(1);
  EXPECT_TRUE(view("evse").charging);
  EXPECT_EQ(view("evse").sessions_ended, 0u);
  EXPECT_EQ(write_holding(ctx.get(), unit, 2, 59), EMBXILVAL);
  EXPECT_EQ(write_holding(ctx.get(), unit, 5, 3), EMBXILVAL);
  EXPECT_EQ(write_holding(ctx.get(), unit, 7, 10), EMBXILADD);  // read-only
}

TEST_F(SmartEvseModel, SmartModeStopsAfterElevenSecondsWithoutAnOverrideWrite) {
  start("evse", {}, 0);
  auto ctx = rtu();
  ASSERT_EQ(write_holding(ctx.get(), unit, 2, 100), 0);
  sim->advance(10);
  ASSERT_EQ(holding(ctx.get(), unit, 1), 0);  // reads do not feed the timer
  EXPECT_TRUE(view("evse").charging);
  sim->advance(2);
  EXPECT_TRUE(view("evse").watchdog_expired);
  EXPECT_EQ(holding(ctx.get(), unit, 1) & 2, 2);  // CT_NOCOMM
  sim->advance(1);
  EXPECT_FALSE(view("evse").charging);
  ASSERT_EQ(write_holding(ctx.get(), unit, 2, 100), 0);
  EXPECT_FALSE(view("evse").watchdog_expired);
}

}  // namespace
}  // namespace ampgate::sim
