// The SmartEVSE driver against the simulated SmartEVSE over real libmodbus RTU framing on
// the simulator's pty: a standalone unit at address 1 on its own RS485 line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/smartevse.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"
#include "tests/drivers_chargers/run_command.h"

namespace ampgate {
namespace {

using drivers::IecState;
using drivers::PollLevel;
using ::testing::Contains;
using ::testing::IsEmpty;

class SimulatedSmartEvse : public ::testing::Test {
 protected:
  void SetUp() override {
    auto site = sim::test::small_site();
    config::RtuLink line;
    line.port = "/dev/ttyUSB1";
    line.baud = 9600;
    site.buses.push_back({"evse_line", line, {}});
    config::Charger c;
    c.id = "evse";
    c.bus = "evse_line";
    c.unit = 1;
    c.model = "smartevse";
    c.circuit = "mains";
    c.max_current = 16;
    site.chargers.push_back(c);
    sim::Scenario sc;
    sim::Ev ev;
    ev.charger = "evse";
    sc.evs.push_back(ev);
    sim::Options o;
    o.tcp_ephemeral = true;
    simulator = std::make_unique<sim::Simulator>(site, sc, o);
    simulator->start();
    config::RtuLink l;
    l.port = simulator->rtu_path("evse_line");
    l.baud = 9600;
    l.response_timeout = 0.3;
    link = std::make_unique<gateway::ModbusLink>(l);
    drivers::ChargerSettings s;
    s.model = "smartevse";
    s.unit = 1;
    s.max_current = 16;
    charger = std::make_unique<drivers::SmartEvse>(s);
  }
  void TearDown() override { simulator->stop(); }

  void run(const drivers::CommandResult& cmd) { test::run_command(*link, *charger, cmd); }
  void poll() { drivers::execute_all(*link, *charger, charger->poll(PollLevel::slow)); }
  sim::ChargerView view() { return simulator->charger("evse").value(); }

  std::unique_ptr<sim::Simulator> simulator;
  std::unique_ptr<gateway::ModbusLink> link;
  std::unique_ptr<drivers::SmartEvse> charger;
};

TEST_F(SimulatedSmartEvse, StatusIsDecodedAndTheSetpointIsFollowed) {
  run(charger->set_current(10.5));
  simulator->advance(2);
  poll();
  const auto& s = charger->state();
  const auto& d = charger->detail();
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_EQ(d.state, "C");
  EXPECT_EQ(d.access, "on");
  EXPECT_EQ(d.mode, "smart");
  EXPECT_EQ(s.current_limit, 10.5);  // read back in tenths of an ampere
  EXPECT_EQ(d.max_current, 16);
  EXPECT_EQ(d.config_min_current, 6);
  EXPECT_EQ(d.config_max_current, 16);
  EXPECT_THAT(s.errors, IsEmpty());
  EXPECT_EQ(s.info.at("serial"), "10001");
  EXPECT_DOUBLE_EQ(view().effective_limit, 10.5);
  EXPECT_TRUE(view().charging);
  EXPECT_EQ(charger->capabilities().max_current, 16);
}

TEST_F(SimulatedSmartEvse, StopPausesTheCarAndStartResumes) {
  run(charger->set_current(8));
  run(charger->stop());
  simulator->advance(1);
  poll();
  EXPECT_EQ(charger->detail().access, "pause");
  EXPECT_EQ(charger->state().iec, IecState::B);
  EXPECT_EQ(charger->state().charging, false);
  EXPECT_FALSE(view().charging);
  run(charger->start());
  simulator->advance(1);
  poll();
  EXPECT_EQ(charger->state().charging, true);
  EXPECT_DOUBLE_EQ(view().effective_limit, 8.0);
}

TEST_F(SimulatedSmartEvse, ElevenSecondsWithoutASetpointStopChargingUntilTheNextWrite) {
  run(charger->set_current(12));
  simulator->advance(12);
  EXPECT_TRUE(view().watchdog_expired);
  EXPECT_DOUBLE_EQ(view().effective_limit, 0.0);
  poll();  // reads do not feed the timer
  EXPECT_THAT(charger->state().errors, Contains("mains_meter_no_comm"));
  EXPECT_EQ(charger->state().charging, false);
  run(charger->keep_alive());
  simulator->advance(1);
  EXPECT_FALSE(view().watchdog_expired);
  EXPECT_DOUBLE_EQ(view().effective_limit, 12.0);
  poll();
  EXPECT_THAT(charger->state().errors, IsEmpty());
}

TEST_F(SimulatedSmartEvse, OutOfRangeOrUnknownRegistersAreRefused) {
  modbus::Request r;
  r.unit = 1;
  r.function = modbus::Function::read_holding;
  r.address = 0x0000;
  r.count = 23;  // the firmware answers at most 22 registers
  EXPECT_FALSE(link->execute(r).ok());
  r.address = 0x0010;
  r.count = 1;
  EXPECT_FALSE(link->execute(r).ok());
}

}  // namespace
}  // namespace ampgate
