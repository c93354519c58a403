// A simulator as slow as the world (issue 12): cars follow a new offer after their lag and
// ramp up; meters publish at their refresh interval and a read returns the last published
// value; a charger may ignore or fail writes. Through libmodbus on the pty.
#include "tests/sim/modbus_client.h"

#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;

class World : public ::testing::Test {
 protected:
  void start(Scenario sc) {
    Options o;
    o.tcp_ephemeral = true;
    // The clock only moves by advance(): a huge tick keeps the model thread out of the way.
    sc.tick = 10;
    sim = std::make_unique<Simulator>(small_site(), std::move(sc), o);
    sim->start();
  }
  void TearDown() override {
    if (sim) sim->stop();
  }
  double amps(const std::string& id) const { return sim->charger(id)->amps[0]; }
  float meter_l1(modbus_t* ctx) {
    std::vector<std::uint16_t> r;
    EXPECT_EQ(read_input(ctx, 1, 0x0006, 2, r), 0);
    return modbus_get_float_abcd(r.data());
  }
  std::unique_ptr<Simulator> sim;
};

Ev car(double lag, double ramp) {
  Ev ev;
  ev.charger = "a";
  ev.lag = lag;
  ev.ramp = ramp;
  ev.max_current = 16;
  return ev;
}

TEST_F(World, ACarFollowsALowerOfferOnlyAfterItsLag) {
  Scenario sc;
  sc.evs = {car(2, 0)};
  start(sc);
  sim->advance(3);
  ASSERT_DOUBLE_EQ(amps("a"), 16);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  ASSERT_EQ(write_holding(ctx.get(), 11, 15, 8), 0);
  sim->advance(1);
  EXPECT_DOUBLE_EQ(amps("a"), 16) << "still drawing the old offer 1 s later";
  EXPECT_DOUBLE_EQ(sim->charger("a")->effective_limit, 8);
  sim->advance(1.5);
  EXPECT_DOUBLE_EQ(amps("a"), 8);
}

TEST_F(World, ACarRampsUpAtItsRate) {
  Scenario sc;
  sc.evs = {car(0, 2)};  // 2 A/s
  start(sc);
  sim->advance(1);
  EXPECT_LT(amps("a"), 9.0);  // starts at 6 A, +2 A/s
  sim->advance(5);
  EXPECT_DOUBLE_EQ(amps("a"), 16);
}

TEST_F(World, ScenarioFileCarLagDefaultsToTwoSecondsAndIsCappedAtFive) {
  auto quiet = load_scenario_text("", "s.yaml");
  ASSERT_TRUE(quiet.scenario);
  EXPECT_DOUBLE_EQ(quiet.scenario->car_lag, 2.0);
  EXPECT_DOUBLE_EQ(quiet.scenario->car_ramp, 5.0);
  auto r = load_scenario_text("car_lag: 6\n", "s.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].message.find("5 s"), std::string::npos);
}

TEST_F(World, AMeterReadReturnsTheLastPublishedValue) {
  Scenario sc;
  sc.household.interpolation = Interpolation::step;
  sc.household.points = {{0, {2, 2, 2}}, {10.2, {9, 9, 9}}};
  sc.meter_refresh["grid"] = 1.0;
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  sim->advance(10);
  EXPECT_FLOAT_EQ(meter_l1(ctx.get()), 2.0f);
  sim->advance(0.5);  // the load stepped at 10.2 s; the meter publishes again at 11 s
  EXPECT_FLOAT_EQ(meter_l1(ctx.get()), 2.0f);
  sim->advance(0.6);
  EXPECT_FLOAT_EQ(meter_l1(ctx.get()), 9.0f);
}

TEST_F(World, AChargerThatIgnoresWritesAcknowledgesThemAndKeepsItsSetting) {
  Scenario sc;
  Fault f;
  f.device = "a";
  f.kind = FaultKind::ignore_writes;
  sc.faults = {f};
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(write_holding(ctx.get(), 11, 15, 8), 0);
  EXPECT_EQ(holding(ctx.get(), 11, 15), 16);
  EXPECT_DOUBLE_EQ(sim->charger("a")->effective_limit, 16);
}

TEST_F(World, AChargerThatFailsWritesAnswersTheExceptionAndKeepsItsSetting) {
  auto r = load_scenario_text("faults:\n  - {device: a, kind: fail_writes, code: 6, to: 5}\n", "s.yaml");
  ASSERT_TRUE(r.scenario) << r.problems[0].format();
  start(*r.scenario);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(write_holding(ctx.get(), 11, 15, 8), EMBXSBUSY);
  EXPECT_EQ(holding(ctx.get(), 11, 15), 16) << "reads still work";
  sim->advance(6);
  EXPECT_EQ(write_holding(ctx.get(), 11, 15, 8), 0);
  EXPECT_EQ(holding(ctx.get(), 11, 15), 8);
}

TEST_F(World, UnknownSettingsAreRefusedWithTheirName) {
  Scenario sc;
  sc.settings["a"] = {{"register_16", "maybe"}};
  EXPECT_THROW(
      {
        try {
          Simulator s(small_site(), sc);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("register_16"), std::string::npos) << e.what();
          throw;
        }
      },
      std::invalid_argument);
}

}  // namespace
}  // namespace ampgate::sim
