// The charger drivers against the simulated site over real libmodbus framing: TeltoCharge
// on a pty (RTU), KEBA and Vestel over loopback TCP; `ampgate scan` on the simulated RS485.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/keba_p30.h"
#include "drivers/chargers/teltocharge.h"
#include "drivers/chargers/vestel_evc04.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/site_fixture.h"
#include "tests/support/run_program.h"
#include "tests/drivers_chargers/run_command.h"

namespace ampgate {
namespace {

using drivers::ChargerSettings;
using drivers::IecState;
using drivers::PollLevel;
using ::testing::HasSubstr;

class SimulatedSite : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::Scenario sc;
    for (const char* id : {"a", "keba", "vestel"}) {
      sim::Ev ev;
      ev.charger = id;
      sc.evs.push_back(ev);
    }
    sim::Options o;
    o.tcp_ephemeral = true;
    simulator = std::make_unique<sim::Simulator>(sim::test::small_site(), sc, o);
    simulator->start();
  }
  void TearDown() override { simulator->stop(); }

  std::unique_ptr<gateway::ModbusLink> rtu() {
    config::RtuLink l;
    l.port = simulator->rtu_path("rs485");
    l.baud = 9600;
    l.response_timeout = 0.3;
    return std::make_unique<gateway::ModbusLink>(l);
  }
  std::unique_ptr<gateway::ModbusLink> tcp(const std::string& bus) {
    config::TcpLink l;
    l.host = "127.0.0.1";
    l.port = simulator->tcp_port(bus);
    return std::make_unique<gateway::ModbusLink>(l);
  }
  static ChargerSettings settings(const char* model, std::uint8_t unit, double max) {
    ChargerSettings s;
    s.model = model;
    s.unit = unit;
    s.max_current = max;
    return s;
  }
  // Executes a command and fails the test on any error reply.
  static void run(modbus::Client& c, drivers::Charger& ch, const drivers::CommandResult& cmd) {
    test::run_command(c, ch, cmd);
  }

  std::unique_ptr<sim::Simulator> simulator;
};

TEST_F(SimulatedSite, TeltoChargeOverRtu) {
  auto link = rtu();
  drivers::TeltoCharge charger(settings("teltocharge", 11, 16));
  run(*link, charger, charger.set_current(10));
  run(*link, charger, charger.program_watchdog(30, 6));
  simulator->advance(2);
  drivers::execute_all(*link, charger, charger.poll(PollLevel::slow));
  const auto& s = charger.state();
  EXPECT_EQ(charger.detail().evse_id_ok, true);
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  ASSERT_TRUE(s.current[0]);
  EXPECT_NEAR(*s.current[0], 10.0, 0.11);
  EXPECT_GT(*s.power, 0.0);
  EXPECT_TRUE(s.lifetime_energy);
  EXPECT_EQ(s.current_limit, 10);
  EXPECT_EQ(charger.detail().comm_timeout_s, 30);
  EXPECT_EQ(charger.detail().failsafe_current, 6);
  EXPECT_DOUBLE_EQ(simulator->charger("a")->effective_limit, 10.0);
  run(*link, charger, charger.stop());
  simulator->advance(1);
  EXPECT_FALSE(simulator->charger("a")->charging);
}

TEST_F(SimulatedSite, TeltoChargeWatchdogFallsBackToTheProgrammedFailsafe) {
  auto link = rtu();
  drivers::TeltoCharge charger(settings("teltocharge", 11, 16));
  run(*link, charger, charger.set_current(12));
  run(*link, charger, charger.program_watchdog(5, 6));
  simulator->advance(6);
  EXPECT_TRUE(simulator->charger("a")->watchdog_expired);
  EXPECT_DOUBLE_EQ(simulator->charger("a")->effective_limit, 6.0);
  run(*link, charger, charger.keep_alive());
  EXPECT_FALSE(simulator->charger("a")->watchdog_expired);
}

TEST_F(SimulatedSite, SilentChargerBecomesStale) {
  auto link = rtu();
  drivers::TeltoCharge charger(settings("teltocharge", 13, 16));  // nobody at unit 13
  drivers::execute_all(*link, charger, charger.poll(PollLevel::fast));
  EXPECT_EQ(charger.state().iec, IecState::unknown);
  EXPECT_FALSE(charger.state().current[0]);
}

TEST_F(SimulatedSite, KebaOverTcp) {
  auto link = tcp("lan");
  drivers::KebaP30 charger(settings("keba_p30", 255, 32));
  run(*link, charger, charger.set_current(12));
  run(*link, charger, charger.program_watchdog(30, 6));
  simulator->advance(2);
  drivers::execute_all(*link, charger, charger.poll(PollLevel::slow));
  const auto& s = charger.state();
  EXPECT_EQ(s.iec, IecState::C);
  ASSERT_TRUE(s.current[0]);
  EXPECT_NEAR(*s.current[0], 12.0, 0.01);
  EXPECT_GT(*s.power, 0.0);
  EXPECT_EQ(charger.detail().failsafe_current, 6);
  EXPECT_DOUBLE_EQ(simulator->charger("keba")->effective_limit, 12.0);
  run(*link, charger, charger.keep_alive());
}

TEST_F(SimulatedSite, VestelOverTcp) {
  auto link = tcp("lan2");
  drivers::VestelEvc04 charger(settings("vestel_evc04", 255, 32));
  run(*link, charger, charger.set_current(8));
  run(*link, charger, charger.program_watchdog(30, 6));
  run(*link, charger, charger.keep_alive());
  simulator->advance(2);
  drivers::execute_all(*link, charger, charger.poll(PollLevel::slow));
  const auto& s = charger.state();
  EXPECT_EQ(s.iec, IecState::C);
  ASSERT_TRUE(s.current[0]);
  EXPECT_NEAR(*s.current[0], 8.0, 0.01);
  EXPECT_EQ(charger.detail().failsafe_current, 6);
  EXPECT_DOUBLE_EQ(simulator->charger("vestel")->effective_limit, 8.0);
}

TEST_F(SimulatedSite, ScanFindsTheDevicesOfTheSimulatedRs485Bus) {
  auto r = test::run_program(AMPGATE_BINARY, {"scan", "--port", simulator->rtu_path("rs485"), "--baud", "9600",
                                              "--ids", "1-13", "--timeout-ms", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("model: teltocharge\n    bus: scanned\n    unit: 11\n"));
  EXPECT_THAT(r.out, HasSubstr("model: teltocharge\n    bus: scanned\n    unit: 12\n"));
  EXPECT_THAT(r.out, HasSubstr("model: sdm630\n    bus: scanned\n    unit: 1\n"));
  EXPECT_THAT(r.out, HasSubstr("model: sdm630\n    bus: scanned\n    unit: 2\n"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("unit: 5\n")));
}

}  // namespace
}  // namespace ampgate
