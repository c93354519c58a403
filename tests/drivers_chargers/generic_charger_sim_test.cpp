// The generic charger driver against the simulator's model of the same site-file register
// table, over real libmodbus RTU framing on the simulator's pty. The table mixes layouts
// (u16 with a scale, s32 low word first, f32, u64) so each is checked on the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/generic_charger.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"
#include "tests/drivers_chargers/run_command.h"

namespace ampgate {
namespace {

using drivers::IecState;
using drivers::PollLevel;
using modbus::Function;
using modbus::RegisterSpec;
using modbus::ValueType;
using modbus::WordOrder;

config::GenericChargerTable table() {
  config::GenericChargerTable t;
  t["current_setpoint"] = RegisterSpec{Function::read_holding, 100, ValueType::u16, WordOrder::high_first, 0.1};
  t["enable"] = RegisterSpec{Function::read_holding, 101, ValueType::u16, WordOrder::high_first, 1};
  t["status"] = RegisterSpec{Function::read_input, 0, ValueType::u16, WordOrder::high_first, 1};
  t["current_l1"] = RegisterSpec{Function::read_input, 2, ValueType::s32, WordOrder::low_first, 0.001};
  t["current_l2"] = RegisterSpec{Function::read_input, 4, ValueType::s32, WordOrder::low_first, 0.001};
  t["current_l3"] = RegisterSpec{Function::read_input, 6, ValueType::s32, WordOrder::low_first, 0.001};
  t["power"] = RegisterSpec{Function::read_input, 8, ValueType::f32, WordOrder::high_first, 1};
  t["energy"] = RegisterSpec{Function::read_input, 12, ValueType::u64, WordOrder::high_first, 1};
  return t;
}

class SimulatedGenericCharger : public ::testing::Test {
 protected:
  void SetUp() override {
    auto site = sim::test::small_site();
    config::RtuLink line;
    line.port = "/dev/ttyUSB1";
    line.baud = 9600;
    site.buses.push_back({"line2", line, {}});
    config::Charger c;
    c.id = "gen";
    c.bus = "line2";
    c.unit = 7;
    c.model = "generic";
    c.generic = table();
    c.circuit = "mains";
    c.max_current = 16;
    site.chargers.push_back(c);
    sim::Scenario sc;
    sim::Ev ev;
    ev.charger = "gen";
    sc.evs.push_back(ev);
    sim::Options o;
    o.tcp_ephemeral = true;
    simulator = std::make_unique<sim::Simulator>(site, sc, o);
    simulator->start();
    config::RtuLink l;
    l.port = simulator->rtu_path("line2");
    l.baud = 9600;
    l.response_timeout = 0.3;
    link = std::make_unique<gateway::ModbusLink>(l);
    drivers::ChargerSettings s;
    s.model = "generic";
    s.unit = 7;
    s.max_current = 16;
    s.generic = table();
    s.generic_status = {{0, IecState::A}, {1, IecState::B}, {2, IecState::C}};
    ASSERT_EQ(drivers::check_generic_table(s), "");
    charger = std::make_unique<drivers::GenericCharger>(s);
  }
  void TearDown() override { simulator->stop(); }

  void run(const drivers::CommandResult& cmd) { test::run_command(*link, *charger, cmd); }
  void poll() { drivers::execute_all(*link, *charger, charger->poll(PollLevel::slow)); }
  sim::ChargerView view() { return simulator->charger("gen").value(); }

  std::unique_ptr<sim::Simulator> simulator;
  std::unique_ptr<gateway::ModbusLink> link;
  std::unique_ptr<drivers::GenericCharger> charger;
};

TEST_F(SimulatedGenericCharger, SetpointIsFollowedAndMeasurementsAreDecoded) {
  run(charger->set_current(9.5));
  simulator->advance(60);
  poll();
  const auto& s = charger->state();
  EXPECT_DOUBLE_EQ(view().effective_limit, 9.5);
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_EQ(charger->raw_status(), 2);
  for (int p = 0; p < 3; ++p) {
    ASSERT_TRUE(s.current[p]) << "L" << p + 1;
    EXPECT_NEAR(*s.current[p], 9.5, 0.001);
  }
  ASSERT_TRUE(s.power);
  EXPECT_NEAR(*s.power, 3 * 9.5 * 230, 1.0);
  ASSERT_TRUE(s.lifetime_energy);
  EXPECT_NEAR(*s.lifetime_energy, 3 * 9.5 * 230 * 60 / 3600.0, 2.0);  // Wh after a simulated minute
}

TEST_F(SimulatedGenericCharger, StopPausesTheCarAndStartResumes) {
  run(charger->set_current(10));
  run(charger->stop());
  simulator->advance(1);
  poll();
  EXPECT_FALSE(view().charging);
  EXPECT_EQ(charger->state().iec, IecState::B);
  EXPECT_NEAR(charger->state().current[0].value_or(-1), 0.0, 0.001);
  run(charger->start());
  simulator->advance(1);
  poll();
  EXPECT_TRUE(view().charging);
  EXPECT_EQ(charger->state().iec, IecState::C);
}

}  // namespace
}  // namespace ampgate
