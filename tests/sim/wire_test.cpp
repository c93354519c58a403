// The simulator on real wires: libmodbus as the client, over the pty pair the simulator
// creates and over TCP on loopback. Faults are injected from the scenario and the
// recovery after each fault window is checked.
#include <gtest/gtest.h>
#include <modbus.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include "gateway/sim/rtu_server.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/modbus_client.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

using SteadyClock = std::chrono::steady_clock;

using namespace test;

class WireTest : public ::testing::Test {
 protected:
  void start(Scenario scenario = {}, config::Site site = test::small_site()) {
    Options o;
    o.tcp_ephemeral = true;
    sim = std::make_unique<Simulator>(site, std::move(scenario), o);
    sim->start();
  }
  void TearDown() override {
    if (sim) sim->stop();
  }
  std::unique_ptr<Simulator> sim;
  std::vector<std::uint16_t> regs;
};

TEST_F(WireTest, ReadsAndWritesTeltoChargeOverThePty) {
  start();
  ASSERT_FALSE(sim->rtu_path("rs485").empty());
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  ASSERT_EQ(read_holding(ctx.get(), 11, 0, 45, regs), 0);
  EXPECT_EQ(regs[9], 21571);
  EXPECT_EQ(write_holding(ctx.get(), 11, 15, 10), 0);
  ASSERT_EQ(read_holding(ctx.get(), 11, 15, 1, regs), 0);
  EXPECT_EQ(regs[0], 10);
  EXPECT_DOUBLE_EQ(sim->charger("a")->effective_limit, 10.0);
  // The other unit on the same line keeps its own registers.
  ASSERT_EQ(read_holding(ctx.get(), 12, 15, 1, regs), 0);
  EXPECT_EQ(regs[0], 16);
}

TEST_F(WireTest, InvalidValueIsException3AndUnknownUnitIsSilence) {
  start();
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(write_holding(ctx.get(), 11, 15, 40), EMBXILVAL);
  EXPECT_EQ(read_holding(ctx.get(), 99, 0, 1, regs), ETIMEDOUT);
  // The line is still usable afterwards.
  EXPECT_EQ(read_holding(ctx.get(), 11, 9, 1, regs), 0);
}

TEST_F(WireTest, MeterSeesTheChargerCurrentOnTheWire) {
  Scenario sc;
  sc.car_lag = 0;  // the car follows at once
  sc.car_ramp = 0;
  sc.household.points = {{0, {2, 2, 2}}};
  Ev ev;
  ev.charger = "a";
  sc.evs = {ev};
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  ASSERT_EQ(write_holding(ctx.get(), 11, 15, 10), 0);
  sim->advance(2);
  modbus_set_slave(ctx.get(), 1);
  regs.assign(2, 0);
  ASSERT_EQ(modbus_read_input_registers(ctx.get(), 0x0006, 2, regs.data()), 2) << modbus_strerror(errno);
  EXPECT_FLOAT_EQ(modbus_get_float_abcd(regs.data()), 12.0f);  // 10 A charger + 2 A household
  ASSERT_EQ(read_holding(ctx.get(), 11, 3, 1, regs), 0);
  EXPECT_EQ(regs[0], 100);  // 10.0 A in tenths
}

TEST_F(WireTest, WatchdogFallsBackToFailsafeAndRecovers) {
  Scenario sc;
  sc.presets["a"] = {{19, 5}, {20, 6}};
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  ASSERT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
  sim->advance(6);
  auto view = sim->charger("a");
  EXPECT_TRUE(view->watchdog_expired);
  EXPECT_DOUBLE_EQ(view->effective_limit, 6.0);
  ASSERT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
  view = sim->charger("a");
  EXPECT_FALSE(view->watchdog_expired);
  EXPECT_DOUBLE_EQ(view->effective_limit, 16.0);
}

TEST_F(WireTest, SilentWindowThenRecovery) {
  Scenario sc;
  sc.faults.push_back({"a", FaultKind::silent, 0, 1000});
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), ETIMEDOUT);
  EXPECT_EQ(read_holding(ctx.get(), 12, 0, 1, regs), 0);  // its neighbour still answers
  sim->advance(1000);
  modbus_flush(ctx.get());
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
}

TEST_F(WireTest, RebootIsSilentWhileBootingThenAnswersWithPowerOnValues) {
  Scenario sc;
  sc.faults.push_back({"a", FaultKind::reboot, 100, 110});
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  ASSERT_EQ(write_holding(ctx.get(), 11, 19, 10), 0);  // what a gateway programs
  ASSERT_EQ(write_holding(ctx.get(), 11, 20, 8), 0);
  sim->advance(105);
  EXPECT_EQ(read_holding(ctx.get(), 11, 19, 2, regs), ETIMEDOUT);  // booting
  sim->advance(10);
  modbus_flush(ctx.get());
  ASSERT_EQ(read_holding(ctx.get(), 11, 19, 2, regs), 0);
  EXPECT_EQ(regs[0], 30);  // communication timeout back at its default
  EXPECT_EQ(regs[1], 6);   // failsafe current too
}

TEST_F(WireTest, BadCrcWindowThenRecovery) {
  Scenario sc;
  sc.faults.push_back({"a", FaultKind::bad_crc, 0, 1000});
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 4, regs), EMBBADCRC);
  sim->advance(1000);
  modbus_flush(ctx.get());
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 4, regs), 0);
}

TEST_F(WireTest, ExceptionWindowThenRecovery) {
  Scenario sc;
  Fault f{"a", FaultKind::exception, 0, 1000};
  f.code = 6;
  sc.faults.push_back(f);
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), EMBXSBUSY);
  sim->advance(1000);
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
}

TEST_F(WireTest, SlowAnswersArriveLateThenOnTimeAgain) {
  Scenario sc;
  Fault f{"a", FaultKind::slow, 0, 1000};
  f.delay_ms = 150;
  sc.faults.push_back(f);
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  modbus_set_response_timeout(ctx.get(), 1, 0);
  auto t0 = SteadyClock::now();
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
  EXPECT_GE(SteadyClock::now() - t0, std::chrono::milliseconds(150));
  // A client with a shorter timeout than the delay sees a timeout.
  modbus_set_response_timeout(ctx.get(), 0, 50000);
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), ETIMEDOUT);
  sim->advance(1000);
  // The late answer to the timed-out request is still coming; when it lands depends on the
  // machine's load. A client drops whatever is not the answer to its own request, so within
  // a few requests the answers are on time again, and then stay so.
  modbus_set_response_timeout(ctx.get(), 0, 300000);
  int rc = -1;
  for (int attempt = 0; attempt < 5 && rc != 0; ++attempt) {
    rc = read_holding(ctx.get(), 11, 0, 1, regs);
    if (rc != 0) modbus_flush(ctx.get());
  }
  EXPECT_EQ(rc, 0) << "no answer on time within 5 requests after the slow window";
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
  EXPECT_EQ(read_holding(ctx.get(), 11, 0, 1, regs), 0);
}

TEST_F(WireTest, WireTimingDelaysAnswersByTheFrameTime) {
  Scenario sc;
  sc.wire_timing = true;
  sc.turnaround_ms = 5;
  start(sc);
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  config::RtuLink link;  // 9600 8N1 as in the fixture
  const double expected = wire_seconds(link, 8, 5 + 2 * 45, 5);
  EXPECT_NEAR(expected, (8 + 95) * 10.0 / 9600 + 3.5 * 10 / 9600 + 0.005, 1e-9);
  auto t0 = SteadyClock::now();
  ASSERT_EQ(read_holding(ctx.get(), 11, 0, 45, regs), 0);
  EXPECT_GE(std::chrono::duration<double>(SteadyClock::now() - t0).count(), expected);
}

TEST(WireTiming, CharacterSizeAndT35FollowTheLink) {
  config::RtuLink l;
  l.baud = 9600;
  l.parity = config::Parity::even;
  EXPECT_EQ(bits_per_char(l), 11);
  EXPECT_NEAR(t35_seconds(l), 0.00401, 1e-5);
  l.baud = 38400;
  EXPECT_DOUBLE_EQ(t35_seconds(l), 0.00175);
  l.parity = config::Parity::none;
  EXPECT_EQ(bits_per_char(l), 10);
}

TEST_F(WireTest, P1DongleOnItsOwnBusAt38400Even) {
  start();
  auto ctx = rtu_client(sim->rtu_path("p1"), 38400, 'E');
  ASSERT_EQ(read_holding(ctx.get(), 43, 110, 2, regs), 0);
  EXPECT_EQ(regs[0], 0x5031);  // "P1"
  EXPECT_EQ(regs[1], 0x4D33);  // "M3"
}

TEST_F(WireTest, TcpServesKebaAndVestelByUnitId) {
  start();
  const int port = sim->tcp_port("lan");
  ASSERT_GT(port, 0);
  auto ctx = tcp_client(port);
  ASSERT_EQ(read_holding(ctx.get(), 255, 1110, 2, regs), 0);
  EXPECT_EQ((regs[0] << 16) | regs[1], 16000);  // KEBA max supported current, mA
  EXPECT_EQ(write_holding(ctx.get(), 255, 5004, 7000), 0);
  EXPECT_DOUBLE_EQ(sim->charger("keba")->effective_limit, 7.0);
  EXPECT_EQ(read_holding(ctx.get(), 7, 0, 1, regs), EMBXGTAR);  // no unit 7 behind this host
  auto vestel = tcp_client(sim->tcp_port("lan2"));
  modbus_set_slave(vestel.get(), 255);
  regs.assign(1, 0);
  ASSERT_EQ(modbus_read_input_registers(vestel.get(), 1104, 1, regs.data()), 1) << modbus_strerror(errno);
  EXPECT_EQ(regs[0], 16);  // Vestel EVSE max current
}

TEST_F(WireTest, TcpFaultsThenRecovery) {
  Scenario sc;
  sc.faults.push_back({"keba", FaultKind::bad_crc, 0, 1000});
  sc.faults.push_back({"vestel", FaultKind::silent, 0, 1000});
  start(sc);
  auto keba = tcp_client(sim->tcp_port("lan"));
  auto vestel = tcp_client(sim->tcp_port("lan2"));
  EXPECT_EQ(read_holding(keba.get(), 255, 1000, 2, regs), EMBBADDATA);  // answer to a request never sent
  EXPECT_EQ(read_holding(vestel.get(), 255, 405, 1, regs), ETIMEDOUT);
  sim->advance(1000);
  keba = tcp_client(sim->tcp_port("lan"));  // a client reconnects after errors
  vestel = tcp_client(sim->tcp_port("lan2"));
  EXPECT_EQ(read_holding(keba.get(), 255, 1000, 2, regs), 0);
  EXPECT_EQ(read_holding(vestel.get(), 255, 405, 1, regs), 0);
}

TEST_F(WireTest, FuseLogCountsTimeOverTheCircuitLimit) {
  Scenario sc;
  sc.car_lag = 0;
  sc.car_ramp = 0;
  Ev a;
  a.charger = "a";
  Ev b = a;
  b.charger = "b";
  sc.evs = {a, b};
  start(sc);
  sim->advance(10);  // both at 16 A: garage L1 carries a's L1 and b's L3 = 32 A > 20 A
  const auto log = sim->fuse_log();
  const auto* garage = log.find("garage");
  ASSERT_NE(garage, nullptr);
  EXPECT_DOUBLE_EQ(garage->peak[0], 32);
  EXPECT_GE(garage->seconds_over[0], 10);
  EXPECT_TRUE(sim->fuse_log_json()["exceeded"].get<bool>());
}

TEST_F(WireTest, RewrittenSitePointsAtThePtyAndThePort) {
  start();
  const auto out = sim->rewrite_site_yaml(
      "site: {name: x}\nbuses:\n  - id: rs485\n    rtu: {port: /dev/ttyUSB0, baud: 9600, rs485: true}\n"
      "  - id: lan\n    tcp: {host: 192.0.2.10, port: 502}\n");
  EXPECT_NE(out.find(sim->rtu_path("rs485")), std::string::npos);
  EXPECT_NE(out.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(out.find(std::to_string(sim->tcp_port("lan"))), std::string::npos);
  EXPECT_EQ(out.find("ttyUSB0"), std::string::npos);
  EXPECT_NE(out.find("rs485: false"), std::string::npos);  // a pty cannot switch RS485 mode
}

TEST(Simulator, RefusesSitesItCannotSimulate) {
  auto site = test::small_site();
  site.chargers[0].model = "alfen_eve";
  Scenario sc;
  sc.faults.push_back({"nobody", FaultKind::silent});
  try {
    Simulator sim(site, sc);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("alfen_eve"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("nobody"), std::string::npos);
  }
}

}  // namespace
}  // namespace ampgate::sim
