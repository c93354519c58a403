// The real transport (ModbusLink inside a Bus) against a Modbus server on the far end of a
// real pty pair and on TCP loopback: answers, every fault the field produces, recovery.
#include <gtest/gtest.h>

#include <asio/executor_work_guard.hpp>

#include "gateway/bus/bus.h"
#include "gateway/bus/modbus_link.h"
#include "tests/bus/test_server.h"

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using modbus::Outcome;
using modbus::Request;
using test::Fault;
using test::TestServer;

Request read(std::uint8_t unit, std::uint16_t address, std::uint16_t count) {
  Request r;
  r.unit = unit;
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
  return r;
}

class Transport : public ::testing::TestWithParam<TestServer::Kind> {
 protected:
  Transport() : server(GetParam()) {
    std::unique_ptr<ModbusLink> link;
    ReconnectPolicy fast_reconnect{50ms, 400ms};
    if (GetParam() == TestServer::Kind::rtu) {
      config::RtuLink rtu;
      rtu.port = server.rtu_path();
      rtu.baud = 38400;
      rtu.response_timeout = 0.15;
      link = std::make_unique<ModbusLink>(rtu, fast_reconnect);
    } else {
      config::TcpLink tcp;
      tcp.host = "127.0.0.1";
      tcp.port = server.tcp_port();
      tcp.timeout = 0.15;
      link = std::make_unique<ModbusLink>(tcp, fast_reconnect);
    }
    bus = std::make_unique<Bus>("test", std::move(link), io, BusOptions{BackoffPolicy{3, 100ms, 400ms}});
    bus->start();
  }
  ~Transport() override { bus->stop(); }

  // Repeats `request` until it is answered, bounded by a deadline; returns the last reply.
  modbus::Reply until_ok(const Request& request, std::chrono::seconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    modbus::Reply reply;
    do {
      reply = bus->execute(request);
      if (reply.ok()) break;
      bus->execute(read(1, 0, 1));  // real bus traffic meanwhile: a healthy neighbour
    } while (std::chrono::steady_clock::now() < deadline);
    return reply;
  }

  TestServer server;
  asio::io_context io;
  std::unique_ptr<Bus> bus;
};

TEST_P(Transport, ReadsTheRegistersTheDeviceHolds) {
  auto reply = bus->execute(read(2, 10, 20));
  ASSERT_TRUE(reply.ok()) << reply.message;
  ASSERT_EQ(reply.registers.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(reply.registers[i], TestServer::initial_holding(2, 10 + i));
  Request input = read(3, 0, 4);
  input.function = modbus::Function::read_input;
  reply = bus->execute(input);
  ASSERT_TRUE(reply.ok()) << reply.message;
  EXPECT_EQ(reply.registers[3], TestServer::initial_input(3, 3));
}

TEST_P(Transport, MergedReadsGoOutAsOneRequestAndEachCallerGetsItsOwnValues) {
  std::vector<modbus::Reply> got(3);
  int answered = 0;
  const std::vector<Request> asked{read(1, 0, 6), read(1, 6, 10), read(1, 4, 4)};
  auto guard = asio::make_work_guard(io);
  bus->stop();  // queue them while the worker is parked, as one control cycle would
  for (std::size_t i = 0; i < asked.size(); ++i)
    bus->submit(asked[i], [&, i](const modbus::Reply& r) {
      got[i] = r;
      if (++answered == 3) guard.reset();
    });
  bus->start();
  io.run_for(5s);  // ends when the three posted replies have run
  ASSERT_EQ(answered, 3);
  for (std::size_t i = 0; i < asked.size(); ++i) {
    ASSERT_TRUE(got[i].ok()) << got[i].message;
    ASSERT_EQ(got[i].registers.size(), asked[i].count);
    EXPECT_EQ(got[i].registers[0], TestServer::initial_holding(1, asked[i].address));
  }
  EXPECT_EQ(server.requests_seen(1), 1);
}

TEST_P(Transport, WritesReachTheDeviceAndRefusalsComeBackAsExceptions) {
  ASSERT_TRUE(bus->execute(write(1, 15, 16)).ok());
  EXPECT_EQ(server.holding(1, 15), 16);
  auto refused = bus->execute(write(1, 15, 50));
  EXPECT_EQ(refused.outcome, Outcome::exception);
  EXPECT_EQ(refused.exception_code, 3);
  EXPECT_EQ(server.holding(1, 15), 16) << "a refused value must not land";
  EXPECT_TRUE(bus->execute(write(1, 15, 10)).ok());
  EXPECT_EQ(bus->stats().devices[0].exceptions.at(3), 1u);
}

TEST_P(Transport, ASilentDeviceTimesOutIsBackedOffThenRecovers) {
  server.set_fault(2, Fault::silent);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bus->execute(read(2, 0, 2)).outcome, Outcome::timeout);
  auto skipped = bus->execute(read(2, 0, 2));
  EXPECT_EQ(skipped.outcome, Outcome::backed_off);
  EXPECT_TRUE(skipped.registers.empty());
  EXPECT_TRUE(bus->execute(read(1, 0, 2)).ok()) << "its neighbour is still served";
  EXPECT_TRUE(bus->stats().devices.at(1).stale);

  server.set_fault(2, Fault::none);
  auto back = until_ok(read(2, 0, 2));
  ASSERT_TRUE(back.ok()) << back.message;
  EXPECT_EQ(back.registers[1], TestServer::initial_holding(2, 1));
  EXPECT_FALSE(bus->stats().devices.at(1).stale);
}

TEST_P(Transport, AGarbledAnswerIsABadFrameAndTheNextAnswerIsClean) {
  server.set_fault(3, Fault::bad_crc);
  auto bad = bus->execute(read(3, 0, 4));
  EXPECT_EQ(bad.outcome, Outcome::bad_frame) << bad.message;
  EXPECT_TRUE(bad.registers.empty());
  server.set_fault(3, Fault::none);
  auto good = until_ok(read(3, 0, 4));
  ASSERT_TRUE(good.ok()) << good.message;
  EXPECT_EQ(good.registers[0], TestServer::initial_holding(3, 0));
  EXPECT_GE(bus->stats().total.bad_frames, 1u);
}

TEST_P(Transport, ALateAnswerIsNotMistakenForTheNextOne) {
  server.set_fault(2, Fault::slow, 250ms);  // after the 150 ms response timeout
  EXPECT_EQ(bus->execute(read(2, 0, 4)).outcome, Outcome::timeout);
  server.set_fault(2, Fault::none);
  // Same unit, same length, other registers: a stale late answer would fit this request.
  auto next = until_ok(read(2, 50, 4));
  ASSERT_TRUE(next.ok()) << next.message;
  EXPECT_EQ(next.registers[0], TestServer::initial_holding(2, 50));
}

TEST_P(Transport, ExceptionAnswersAreCountedByCodeAndDoNotBackOff) {
  server.set_fault(4, Fault::exception);
  for (int i = 0; i < 4; ++i) {
    auto r = bus->execute(read(4, 0, 2));
    EXPECT_EQ(r.outcome, Outcome::exception);
    EXPECT_EQ(r.exception_code, 4);
  }
  server.set_fault(4, Fault::none);
  EXPECT_TRUE(bus->execute(read(4, 0, 2)).ok());
  auto stats = bus->stats();
  EXPECT_EQ(stats.devices.at(0).exceptions.at(4), 4u);
  EXPECT_FALSE(stats.devices.at(0).stale);
}

INSTANTIATE_TEST_SUITE_P(Links, Transport, ::testing::Values(TestServer::Kind::rtu, TestServer::Kind::tcp),
                         [](const auto& info) { return info.param == TestServer::Kind::rtu ? "pty" : "tcp"; });

// TCP only: the connection drops and comes back.
TEST(TransportTcp, ReconnectsAfterTheConnectionDrops) {
  TestServer server(TestServer::Kind::tcp);
  config::TcpLink tcp;
  tcp.host = "127.0.0.1";
  tcp.port = server.tcp_port();
  tcp.timeout = 0.15;
  ModbusLink link(tcp, ReconnectPolicy{50ms, 400ms});
  ASSERT_TRUE(link.execute(read(1, 0, 2)).ok());
  server.drop_connections();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  std::vector<Outcome> outcomes;
  modbus::Reply reply;
  do {
    reply = link.execute(read(1, 0, 2));
    if (outcomes.empty() || outcomes.back() != reply.outcome) outcomes.push_back(reply.outcome);
  } while (!(reply.ok() && outcomes.size() > 1) && std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(reply.ok()) << reply.message;
  EXPECT_EQ(outcomes.front(), Outcome::io_error) << "the drop must be noticed, not hidden";
  EXPECT_EQ(reply.registers[0], TestServer::initial_holding(1, 0));
}

TEST(TransportRtu, AMissingPortIsAnIoErrorNamingThePort) {
  config::RtuLink rtu;
  rtu.port = "/dev/ampgate-no-such-port";
  ModbusLink link(rtu);
  auto reply = link.execute(read(1, 0, 2));
  EXPECT_EQ(reply.outcome, Outcome::io_error);
  EXPECT_NE(reply.message.find("/dev/ampgate-no-such-port"), std::string::npos) << reply.message;
}

}  // namespace
}  // namespace ampgate::gateway
