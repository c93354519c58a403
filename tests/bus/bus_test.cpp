// The Bus worker with a scripted client: where replies arrive, what reaches the device,
// back-off and stats. The transport itself is covered by transport_test.cpp.
#include "gateway/bus/bus.h"

#include <gtest/gtest.h>

#include <asio/executor_work_guard.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <thread>

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using modbus::Outcome;
using modbus::Priority;
using modbus::Request;

// Answers reads with register value = address; a unit can be told to time out.
class ScriptedClient : public modbus::Client {
 public:
  modbus::Reply execute(const Request& r) override {
    std::lock_guard lock(mutex_);
    seen_.push_back(r);
    modbus::Reply reply;
    reply.outcome = outcome_.count(r.unit) ? outcome_[r.unit] : Outcome::ok;
    if (reply.ok() && !r.is_write())
      for (std::uint16_t i = 0; i < r.count; ++i) reply.registers.push_back(static_cast<std::uint16_t>(r.address + i));
    return reply;
  }
  void set(std::uint8_t unit, Outcome o) {
    std::lock_guard lock(mutex_);
    outcome_[unit] = o;
  }
  std::vector<Request> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::map<std::uint8_t, Outcome> outcome_;
  std::vector<Request> seen_;
};

Request read(std::uint8_t unit, std::uint16_t address, std::uint16_t count, Priority p = Priority::status) {
  Request r;
  r.unit = unit;
  r.address = address;
  r.count = count;
  r.priority = p;
  return r;
}

struct Fixture {
  asio::io_context io;
  ScriptedClient* client;
  std::unique_ptr<Bus> bus;
  explicit Fixture(BusOptions options = {}) {
    auto c = std::make_unique<ScriptedClient>();
    client = c.get();
    bus = std::make_unique<Bus>("rs485-1", std::move(c), io, options);
  }
};

TEST(Bus, RepliesArriveOnTheControlLoopThreadWithEachCallersOwnRegisters) {
  Fixture f;
  // Queued before start(): they are waiting at the same time, as in one control cycle.
  std::vector<std::pair<Request, modbus::Reply>> got;
  std::vector<std::thread::id> threads;
  auto guard = asio::make_work_guard(f.io);
  const std::vector<Request> asked{read(1, 0, 6), read(1, 6, 8), read(1, 3, 2), read(2, 0, 2)};
  for (const auto& r : asked)
    f.bus->submit(r, [&, r](const modbus::Reply& reply) {
      got.emplace_back(r, reply);
      threads.push_back(std::this_thread::get_id());
      if (got.size() == asked.size()) guard.reset();
    });
  f.bus->start();
  f.io.run_for(10s);  // returns as soon as the last reply released the guard
  f.bus->stop();

  ASSERT_EQ(got.size(), asked.size());
  for (const auto& [r, reply] : got) {
    ASSERT_TRUE(reply.ok());
    ASSERT_EQ(reply.registers.size(), r.count);
    EXPECT_EQ(reply.registers.front(), r.address);
  }
  for (auto id : threads) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_EQ(f.client->seen().size(), 2u) << "three reads of unit 1 should travel as one";
  EXPECT_EQ(f.bus->stats().coalesced, 2u);
}

TEST(Bus, TheDeviceSeesSetpointsAndMeterReadsBeforeStatusAndTelemetry) {
  Fixture f;
  Request w;
  w.unit = 3;
  w.function = modbus::Function::write_single;
  w.address = 15;
  w.values = {16};
  w.priority = Priority::setpoint;
  f.bus->submit(read(1, 100, 2, Priority::telemetry), [](const modbus::Reply&) {});
  f.bus->submit(read(2, 0, 2, Priority::status), [](const modbus::Reply&) {});
  f.bus->submit(read(4, 0, 12, Priority::meter), [](const modbus::Reply&) {});
  f.bus->submit(w, [](const modbus::Reply&) {});
  f.bus->start();
  f.bus->execute(read(9, 0, 1, Priority::telemetry));  // queued last: all others are done when it returns
  std::vector<int> order;
  for (const auto& r : f.client->seen()) order.push_back(r.unit);
  EXPECT_EQ(order, (std::vector<int>{3, 4, 2, 1, 9}));
}

TEST(Bus, ASilentDeviceIsBackedOffAndReportedStaleWhileOthersAreServed) {
  Fixture f({BackoffPolicy{3, 3600s, 3600s}});  // no probe within this test
  f.client->set(2, Outcome::timeout);
  f.bus->start();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.bus->execute(read(2, 0, 2)).outcome, Outcome::timeout);
  for (int i = 0; i < 10; ++i) {
    auto reply = f.bus->execute(read(2, 0, 2));
    EXPECT_EQ(reply.outcome, Outcome::backed_off);
    EXPECT_TRUE(reply.registers.empty()) << "a missing reading is never zeros";
    EXPECT_NE(reply.message.find("stale"), std::string::npos) << reply.message;
    EXPECT_TRUE(f.bus->execute(read(1, 0, 2)).ok());
  }
  int sent_to_2 = 0;
  for (const auto& r : f.client->seen()) sent_to_2 += r.unit == 2;
  EXPECT_EQ(sent_to_2, 3);

  auto stats = f.bus->stats();
  ASSERT_EQ(stats.devices.size(), 2u);
  const auto& silent = stats.devices[1];
  EXPECT_EQ(silent.unit, 2);
  EXPECT_TRUE(silent.stale);
  EXPECT_EQ(silent.timeouts, 3u);
  EXPECT_EQ(silent.backed_off, 10u);
  EXPECT_FALSE(stats.devices[0].stale);
  EXPECT_EQ(stats.devices[0].successes, 10u);
}

TEST(Bus, OneAnsweredProbeClearsTheBackOff) {
  Fixture f({BackoffPolicy{2, 0ms, 0ms}});  // every request after back-off is a probe
  f.client->set(2, Outcome::timeout);
  f.bus->start();
  f.bus->execute(read(2, 0, 2));
  f.bus->execute(read(2, 0, 2));
  EXPECT_TRUE(f.bus->stats().devices[0].stale);
  f.client->set(2, Outcome::ok);
  EXPECT_TRUE(f.bus->execute(read(2, 0, 2)).ok());
  EXPECT_FALSE(f.bus->stats().devices[0].stale);
}

TEST(Bus, ExecuteOnAStoppedBusSaysSoInsteadOfWaitingForever) {
  Fixture f;
  auto reply = f.bus->execute(read(1, 0, 2));
  EXPECT_EQ(reply.outcome, Outcome::io_error);
  EXPECT_NE(reply.message.find("rs485-1"), std::string::npos);
}

TEST(Bus, StatsSerialiseWithCountsPerDeviceAndLatencyPercentiles) {
  Fixture f;
  f.client->set(7, Outcome::exception);
  f.bus->start();
  f.bus->execute(read(1, 0, 2));
  f.bus->execute(read(7, 0, 2));
  auto json = to_json(f.bus->stats());
  EXPECT_EQ(json["bus"], "rs485-1");
  EXPECT_EQ(json["total"]["requests"], 2);
  EXPECT_EQ(json["total"]["successes"], 1);
  ASSERT_EQ(json["devices"].size(), 2u);
  EXPECT_EQ(json["devices"][1]["unit"], 7);
  EXPECT_TRUE(json["devices"][0]["latency_ms"].contains("p99"));
  EXPECT_GE(json["busy_share"].get<double>(), 0.0);
  EXPECT_LE(json["busy_share"].get<double>(), 1.0);
}

}  // namespace
}  // namespace ampgate::gateway
