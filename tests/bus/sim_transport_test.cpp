// The transport against the site simulator, as the gateway meets it: RTU over the pty the
// simulator creates and Modbus TCP on loopback, with every fault the scenario can inject,
// and recovery once the fault window has passed. Fault windows are in simulated time and
// the test moves the clock with advance(), so nothing here waits on a wall clock.
#include <gtest/gtest.h>

#include "gateway/bus/bus.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/sim/simulator.h"

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using modbus::Outcome;
using modbus::Request;

constexpr std::uint16_t teltocharge_id_register = 9;  // answers 21571 ("TC")
constexpr std::uint16_t teltocharge_id = 21571;
constexpr std::uint16_t amps_to_use = 15;

// Fault windows, simulated seconds: each test jumps into one and out again.
constexpr double silent_at = 100, bad_crc_at = 300, slow_at = 500, exception_at = 700, window = 100;

config::Site make_site() {
  config::Site site;
  site.site.name = "transport test";
  site.site.mains_meter = "grid";
  config::RtuLink rtu;
  rtu.port = "/dev/null";  // the simulator makes the pty
  rtu.baud = 38400;
  site.buses.push_back({"rs485", rtu, {}});
  config::TcpLink tcp;
  tcp.host = "127.0.0.1";
  tcp.port = 1502;  // replaced by an ephemeral port
  site.buses.push_back({"lan", tcp, {}});
  config::Meter meter;
  meter.id = "grid";
  meter.bus = "rs485";
  meter.unit = 1;
  meter.model = "sdm630";
  site.meters.push_back(meter);
  auto charger = [&](const char* id, const char* bus, std::uint8_t unit) {
    config::Charger c;
    c.id = id;
    c.bus = bus;
    c.unit = unit;
    c.model = "teltocharge";
    site.chargers.push_back(c);
  };
  charger("cp-rtu", "rs485", 2);
  charger("cp-tcp", "lan", 1);
  return site;
}

sim::Scenario make_scenario() {
  sim::Scenario s;
  for (const char* id : {"cp-rtu", "cp-tcp"}) {
    s.faults.push_back({id, sim::FaultKind::silent, silent_at, silent_at + window});
    s.faults.push_back({id, sim::FaultKind::bad_crc, bad_crc_at, bad_crc_at + window});
    sim::Fault slow{id, sim::FaultKind::slow, slow_at, slow_at + window};
    slow.delay_ms = 250;  // after the 150 ms response timeout
    s.faults.push_back(slow);
    sim::Fault refuse{id, sim::FaultKind::exception, exception_at, exception_at + window};
    refuse.code = 6;  // server busy
    s.faults.push_back(refuse);
  }
  return s;
}

Request read(std::uint8_t unit, std::uint16_t address, std::uint16_t count,
             modbus::Function f = modbus::Function::read_holding) {
  Request r;
  r.unit = unit;
  r.function = f;
  r.address = address;
  r.count = count;
  r.tag = "test read";
  return r;
}

Request write(std::uint8_t unit, std::uint16_t address, std::uint16_t value) {
  Request r;
  r.unit = unit;
  r.function = modbus::Function::write_single;
  r.address = address;
  r.values = {value};
  r.priority = modbus::Priority::setpoint;
  r.tag = "amps to use";
  return r;
}

enum class Link { pty, tcp };

class SimTransport : public ::testing::TestWithParam<Link> {
 protected:
  SimTransport() : site(make_site()), simulator(site, make_scenario(), sim::Options{true, {}}) {
    simulator.start();
    std::unique_ptr<ModbusLink> link;
    ReconnectPolicy fast_reconnect{50ms, 400ms};
    if (GetParam() == Link::pty) {
      auto rtu = std::get<config::RtuLink>(site.buses[0].link);
      rtu.port = simulator.rtu_path("rs485");
      rtu.response_timeout = 0.15;
      link = std::make_unique<ModbusLink>(rtu, fast_reconnect);
      unit = 2;
    } else {
      auto tcp = std::get<config::TcpLink>(site.buses[1].link);
      tcp.port = simulator.tcp_port("lan");
      tcp.timeout = 0.15;
      link = std::make_unique<ModbusLink>(tcp, fast_reconnect);
      unit = 1;
    }
    bus = std::make_unique<Bus>("under-test", std::move(link), io, BusOptions{BackoffPolicy{3, 100ms, 400ms}});
    bus->start();
  }
  ~SimTransport() override {
    bus->stop();
    simulator.stop();
  }

  Request id_read() const { return read(unit, teltocharge_id_register, 1); }

  // Moves simulated time to `t` (never backwards).
  void at(double t) { simulator.advance(t - simulator.now()); }

  // Repeats `request` until answered; bounded. Back-off probes come every 100..400 ms.
  modbus::Reply until_ok(const Request& request) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    modbus::Reply reply;
    do {
      reply = bus->execute(request);
      if (GetParam() == Link::pty) bus->execute(read(1, 0, 2, modbus::Function::read_input));  // meter traffic meanwhile
    } while (!reply.ok() && std::chrono::steady_clock::now() < deadline);
    return reply;
  }

  void expect_healthy() {
    auto reply = until_ok(id_read());
    ASSERT_TRUE(reply.ok()) << reply.message;
    EXPECT_EQ(reply.registers.at(0), teltocharge_id);
  }

  config::Site site;
  sim::Simulator simulator;
  asio::io_context io;
  std::unique_ptr<Bus> bus;
  std::uint8_t unit = 0;
};

TEST_P(SimTransport, ReadsTheChargersFullRegisterMapInOneRequest) {
  auto reply = bus->execute(read(unit, 0, 45));
  ASSERT_TRUE(reply.ok()) << reply.message;
  ASSERT_EQ(reply.registers.size(), 45u);
  EXPECT_EQ(reply.registers[teltocharge_id_register], teltocharge_id);
}

TEST_P(SimTransport, SetpointsLandAndOutOfRangeValuesAreRefusedWithException3) {
  ASSERT_TRUE(bus->execute(write(unit, amps_to_use, 10)).ok());
  EXPECT_EQ(bus->execute(read(unit, amps_to_use, 1)).registers.at(0), 10);
  auto refused = bus->execute(write(unit, amps_to_use, 40));
  EXPECT_EQ(refused.outcome, Outcome::exception);
  EXPECT_EQ(refused.exception_code, 3);
  EXPECT_EQ(bus->execute(read(unit, amps_to_use, 1)).registers.at(0), 10);
}

TEST_P(SimTransport, ASilentChargerIsBackedOffReportedStaleAndRecovers) {
  expect_healthy();
  at(silent_at + 1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bus->execute(id_read()).outcome, Outcome::timeout);
  auto skipped = bus->execute(id_read());
  EXPECT_EQ(skipped.outcome, Outcome::backed_off);
  EXPECT_TRUE(skipped.registers.empty()) << "stale, never zero";
  auto stats = bus->stats();
  EXPECT_TRUE(stats.devices.back().stale);
  EXPECT_EQ(stats.devices.back().timeouts, 3u);
  if (GetParam() == Link::pty) {
    auto meter = bus->execute(read(1, 0, 12, modbus::Function::read_input));
    EXPECT_TRUE(meter.ok()) << "the meter on the same line is still read: " << meter.message;
  }
  at(silent_at + window + 1);
  expect_healthy();
  EXPECT_FALSE(bus->stats().devices.back().stale);
}

TEST_P(SimTransport, BadChecksumsAreBadFramesAndTheLineRecovers) {
  expect_healthy();
  at(bad_crc_at + 1);
  for (int i = 0; i < 3; ++i) {
    auto reply = bus->execute(id_read());
    EXPECT_EQ(reply.outcome, Outcome::bad_frame) << reply.message;
    EXPECT_TRUE(reply.registers.empty());
  }
  EXPECT_FALSE(bus->stats().devices.back().stale) << "a garbled answer is not silence";
  at(bad_crc_at + window + 1);
  expect_healthy();
  EXPECT_EQ(bus->stats().devices.back().bad_frames, 3u);
}

TEST_P(SimTransport, ASlowAnswerTimesOutAndIsNotTakenForTheNextOne) {
  ASSERT_TRUE(bus->execute(write(unit, amps_to_use, 12)).ok());
  at(slow_at + 1);
  EXPECT_EQ(bus->execute(read(unit, amps_to_use, 1)).outcome, Outcome::timeout);
  at(slow_at + window + 1);
  // One register again, from another address: the late answer (12) would fit it exactly.
  auto next = until_ok(id_read());
  ASSERT_TRUE(next.ok()) << next.message;
  EXPECT_EQ(next.registers.at(0), teltocharge_id);
}

TEST_P(SimTransport, ExceptionAnswersCarryTheirCodeAndStopWhenTheFaultEnds) {
  expect_healthy();
  at(exception_at + 1);
  for (int i = 0; i < 4; ++i) {
    auto reply = bus->execute(id_read());
    EXPECT_EQ(reply.outcome, Outcome::exception);
    EXPECT_EQ(reply.exception_code, 6);
  }
  at(exception_at + window + 1);
  expect_healthy();
  auto stats = bus->stats();
  EXPECT_EQ(stats.devices.back().exceptions.at(6), 4u);
  EXPECT_FALSE(stats.devices.back().stale);
}

INSTANTIATE_TEST_SUITE_P(Simulator, SimTransport, ::testing::Values(Link::pty, Link::tcp),
                         [](const auto& info) { return info.param == Link::pty ? "pty" : "tcp"; });

}  // namespace
}  // namespace ampgate::gateway
