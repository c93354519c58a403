// TeltoCharge pausing, session stop/start and authorization against a register image that
// behaves as the seed's tables say, in each of their readings of register 16:
//  - newer table (Dynamic Load Balancing page): 0 do not intervene, 1 stop session,
//    2 start session if stopped;
//  - older table (External control RS485): 0-1 "request stop charging"; a device may refuse 2
//    (exception 3) or store it and take any non-zero value as a stop.
// Registers 15 and 20 take 0 or 6..32; anything else is refused with exception 3.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/teltocharge.h"
#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using test::FakeClient;
using ::testing::ElementsAre;

constexpr std::uint8_t unit = 2;
enum class Table { newer, older_refuses_two, older_stores_two };

// Charge point state (register 27, table b): 3 charging, 6 stopped by user.
constexpr std::uint16_t cp_charging = 3, cp_stopped_by_user = 6;

class TeltoChargeImage : public FakeClient {
 public:
  explicit TeltoChargeImage(Table t) : table(t) {
    holding(unit, 0, std::vector<std::uint16_t>(45, 0));
    holding(unit, 0, {230, 230, 230, 100, 100, 100});
    holding(unit, 9, {21571, 1, 1, 32});
    holding(unit, 27, {cp_charging});
    holding(unit, 33, {4});  // C2 charging
  }
  Table table;
  bool session_ended = false;  // a stop took effect: the car must be plugged in again on some firmware
  int writes_to_16 = 0;

  modbus::Reply execute(const modbus::Request& rq) override {
    if (!rq.is_write()) return FakeClient::execute(rq);
    for (std::size_t i = 0; i < rq.values.size(); ++i) {
      const auto address = static_cast<std::uint16_t>(rq.address + i);
      const std::uint16_t v = rq.values[i];
      if ((address == 15 || address == 20) && v != 0 && (v < 6 || v > 32)) return refuse(rq);
      if (address == 16) {
        ++writes_to_16;
        if (table == Table::older_refuses_two && v > 1) return refuse(rq);
        if (v == 1) session_ended = true;
        const bool starts = table == Table::newer ? v == 2 : v == 0;
        if (starts) session_ended = false;
        if (table == Table::older_stores_two && v != 0) session_ended = true;
      }
    }
    auto reply = FakeClient::execute(rq);
    holding(unit, 27, {session_ended ? cp_stopped_by_user : cp_charging});
    return reply;
  }

 private:
  modbus::Reply refuse(const modbus::Request& rq) {
    log.push_back(rq);
    modbus::Reply r;
    r.outcome = modbus::Outcome::exception;
    r.exception_code = 3;
    return r;
  }
};

ChargerSettings settings() {
  ChargerSettings s;
  s.model = "teltocharge";
  s.unit = unit;
  s.max_current = 16;
  return s;
}

void run(TeltoChargeImage& image, Charger& c, const CommandResult& r) {
  ASSERT_TRUE(r.ok()) << r.error;
  execute_all(image, c, r.requests);
}

class EveryTable : public ::testing::TestWithParam<Table> {};

TEST_P(EveryTable, PauseIsAmpsToUseZeroAndKeepsTheSession) {
  TeltoChargeImage image(GetParam());
  TeltoCharge charger(settings());
  execute_all(image, charger, charger.poll(PollLevel::fast));
  run(image, charger, charger.set_current(10));
  run(image, charger, charger.stop());
  EXPECT_EQ(image.get(unit, FakeClient::Space::holding, 15), 0);
  run(image, charger, charger.keep_alive());  // the watchdog is fed with the pause, not the old current
  EXPECT_EQ(image.get(unit, FakeClient::Space::holding, 15), 0);
  run(image, charger, charger.set_current(12));
  run(image, charger, charger.start());
  EXPECT_EQ(image.get(unit, FakeClient::Space::holding, 15), 12);
  EXPECT_EQ(image.writes_to_16, 0) << "pause and resume never touch register 16";
  EXPECT_FALSE(image.session_ended);
}

TEST_P(EveryTable, GatewayStopAndRestartLeaveTheSessionToTakeOver) {
  TeltoChargeImage image(GetParam());
  {
    // The process that stops on SIGTERM: failsafe 0 means a pause, failsafe > 0 a current.
    TeltoCharge before(settings());
    execute_all(image, before, before.poll(PollLevel::fast));
    run(image, before, before.set_current(16));
    run(image, before, before.program_watchdog(30, 0));
    run(image, before, before.stop());
  }
  TeltoCharge after(settings());  // the next start: nothing remembered
  execute_all(image, after, after.poll(PollLevel::fast));
  run(image, after, after.set_current(8));
  run(image, after, after.start());
  EXPECT_EQ(image.get(unit, FakeClient::Space::holding, 15), 8);
  EXPECT_EQ(image.writes_to_16, 0);
  EXPECT_FALSE(image.session_ended);
}

TEST_P(EveryTable, AUserStopEndsTheSessionAndAUserStartBringsItBack) {
  TeltoChargeImage image(GetParam());
  TeltoCharge charger(settings());
  execute_all(image, charger, charger.poll(PollLevel::fast));
  run(image, charger, charger.end_session());
  EXPECT_TRUE(image.session_ended);
  execute_all(image, charger, charger.poll(PollLevel::fast));
  run(image, charger, charger.resume_session());
  // Whatever the firmware made of 2, a few ordinary periods (reads, keep-alive) later the
  // session is back.
  for (int period = 0; period < 3 && image.session_ended; ++period) {
    execute_all(image, charger, charger.poll(PollLevel::fast));
    run(image, charger, charger.keep_alive());
  }
  EXPECT_FALSE(image.session_ended);
  // Once learnt, the next user start needs no retry.
  run(image, charger, charger.end_session());
  execute_all(image, charger, charger.poll(PollLevel::fast));
  run(image, charger, charger.resume_session());
  EXPECT_FALSE(image.session_ended);
}

INSTANTIATE_TEST_SUITE_P(SeedTables, EveryTable,
                         ::testing::Values(Table::newer, Table::older_refuses_two, Table::older_stores_two),
                         [](const ::testing::TestParamInfo<Table>& info) {
                           switch (info.param) {
                             case Table::newer: return "NewerTable";
                             case Table::older_refuses_two: return "OlderTableRefusesTwo";
                             case Table::older_stores_two: return "OlderTableStoresTwo";
                           }
                           return "unknown";
                         });

TEST(TeltoChargeSession, TheNewerTableStartsWithTwo) {
  TeltoCharge charger(settings());
  auto r = charger.resume_session();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.requests[0].address, 16);
  EXPECT_THAT(r.requests[0].values, ElementsAre(2));
  EXPECT_THAT(charger.end_session().requests[0].values, ElementsAre(1));
  EXPECT_TRUE(charger.capabilities().can_pause);
  EXPECT_TRUE(charger.capabilities().can_end_session);
}

TEST(TeltoChargeSession, ResumingWithoutACurrentIsRefused) {
  TeltoCharge charger(settings());
  EXPECT_FALSE(charger.start().ok());
  ASSERT_TRUE(charger.set_current(6).ok());
  EXPECT_TRUE(charger.start().ok());
  ASSERT_TRUE(charger.stop().ok());
  EXPECT_FALSE(charger.start().ok()) << "after a pause, start() needs a new current";
}

TEST(TeltoChargeSession, AuthorizesOnlyWhenTheChargerRequiresItAndACarWaits) {
  TeltoChargeImage image(Table::newer);
  TeltoCharge charger(settings());
  auto writes_17 = [](const CommandResult& r) {
    int n = 0;
    for (const auto& rq : r.requests) n += rq.is_write() && rq.address == 17 && rq.values == std::vector<std::uint16_t>{1};
    return n;
  };
  image.holding(unit, 6, {5});  // table a: D2, EV connected, no authorization
  execute_all(image, charger, charger.poll(PollLevel::fast));
  ASSERT_TRUE(charger.set_current(10).ok());
  EXPECT_EQ(writes_17(charger.start()), 0) << "register 22 reads 0: no authorization needed";
  image.holding(unit, 22, {1});
  execute_all(image, charger, charger.poll(PollLevel::fast));
  EXPECT_EQ(writes_17(charger.start()), 1);
  EXPECT_EQ(writes_17(charger.keep_alive()), 1);
  EXPECT_EQ(writes_17(charger.set_current(10)), 1);
  image.holding(unit, 6, {0});   // charging: authorized
  image.holding(unit, 33, {4});
  execute_all(image, charger, charger.poll(PollLevel::fast));
  EXPECT_EQ(writes_17(charger.keep_alive()), 0);
  image.holding(unit, 33, {1});  // table c: B1, pending authorization
  execute_all(image, charger, charger.poll(PollLevel::fast));
  EXPECT_EQ(writes_17(charger.keep_alive()), 1);
}

}  // namespace
}  // namespace ampgate::drivers
