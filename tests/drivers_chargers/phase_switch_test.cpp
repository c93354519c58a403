// Phase switching, driver side: which register each charger switches with, when the driver
// says it can, and the safe sequence plan_phase_switch() hands the daemon (pause, settle,
// switch, resume), against register images laid out as the vendors' tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/keba_p30.h"
#include "drivers/chargers/smartevse.h"
#include "drivers/chargers/teltocharge.h"
#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using test::FakeClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ChargerSettings settings(const char* model, std::uint8_t unit) {
  ChargerSettings s;
  s.model = model;
  s.unit = unit;
  s.max_current = 16;
  return s;
}

TEST(KebaPhaseSwitch, OnlyWhenTheSwitchObeysModbusThenRegister5052) {
  FakeClient client;
  KebaP30 keba(settings("keba_p30", 255));
  EXPECT_FALSE(keba.capabilities().can_switch_phases) << "unread: assumed unable";
  client.holding32(255, 1550, 0);  // toggle source: not Modbus
  client.holding32(255, 1552, 1);  // three phases
  execute_all(client, keba, keba.poll(PollLevel::slow));
  EXPECT_FALSE(keba.capabilities().can_switch_phases);
  EXPECT_THAT(keba.set_phases(1).error, HasSubstr("1550"));
  client.holding32(255, 1550, 3);
  execute_all(client, keba, keba.poll(PollLevel::slow));
  ASSERT_TRUE(keba.capabilities().can_switch_phases);
  auto one = keba.set_phases(1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_EQ(one.requests[0].address, 5052);
  EXPECT_THAT(one.requests[0].values, ElementsAre(0));
  EXPECT_THAT(keba.set_phases(3).requests[0].values, ElementsAre(1));
  EXPECT_FALSE(keba.set_phases(2).ok());
  execute_all(client, keba, one.requests);
  client.holding32(255, 1552, 0);  // what the P30 reports after switching to one phase
  execute_all(client, keba, keba.poll(PollLevel::slow));
  EXPECT_EQ(keba.state().active_phases, 1);
}

TEST(KebaPhaseSwitch, NeverOnASinglePhaseInstallation) {
  FakeClient client;
  auto s = settings("keba_p30", 255);
  s.phases = 1;
  KebaP30 keba(s);
  client.holding32(255, 1550, 3);
  client.holding32(255, 1552, 1);
  execute_all(client, keba, keba.poll(PollLevel::slow));
  EXPECT_FALSE(keba.capabilities().can_switch_phases);
}

// The system configuration block 0x0204..0x0219 as SmartEVSE v3 lays it out: MAINS at
// 0x0204, CONTACT 2 at 0x0218, MAX TEMP at 0x0219.
void smartevse_system_block(FakeClient& c, std::uint16_t mains, std::uint16_t contact2, std::uint16_t max_temp) {
  std::vector<std::uint16_t> block(22, 0);
  block[0] = mains;
  block[0x0218 - 0x0204] = contact2;
  block[0x0219 - 0x0204] = max_temp;
  c.holding(1, 0x0204, block);
}

TEST(SmartEvsePhaseSwitch, ContactorTwoFixedChoiceIsTakenOverThroughRegister0x0218) {
  FakeClient client;
  SmartEvse evse(settings("smartevse", 1));
  client.holding(1, 0, {2, 0, 130, 1, 0, 1, 0, 16, 0, 0, 20, 1});
  client.holding(1, 0x0100, {0, 0, 6, 16});
  smartevse_system_block(client, 25, 3, 65);  // C2 "always on": three phases
  execute_all(client, evse, evse.poll(PollLevel::slow));
  ASSERT_TRUE(evse.capabilities().can_switch_phases);
  EXPECT_EQ(evse.state().active_phases, 3);
  auto one = evse.set_phases(1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_EQ(one.requests[0].address, 0x0218);
  EXPECT_THAT(one.requests[0].values, ElementsAre(1));  // "always off": one phase
  execute_all(client, evse, one.requests);
  execute_all(client, evse, evse.poll(PollLevel::slow));
  EXPECT_EQ(evse.state().active_phases, 1);
  EXPECT_THAT(evse.set_phases(3).requests[0].values, ElementsAre(3));
}

TEST(SmartEvsePhaseSwitch, RefusedWithoutC2OrWhenTheBlockDoesNotLookLikeTheLayout) {
  FakeClient client;
  SmartEvse evse(settings("smartevse", 1));
  smartevse_system_block(client, 25, 0, 65);  // C2 not present
  execute_all(client, evse, evse.poll(PollLevel::slow));
  EXPECT_FALSE(evse.capabilities().can_switch_phases);
  smartevse_system_block(client, 25, 4, 65);  // auto: the firmware switches by itself
  execute_all(client, evse, evse.poll(PollLevel::slow));
  EXPECT_FALSE(evse.capabilities().can_switch_phases);
  EXPECT_FALSE(evse.state().active_phases);
  smartevse_system_block(client, 25, 3, 0);  // MAX TEMP 0: another firmware's layout
  execute_all(client, evse, evse.poll(PollLevel::slow));
  EXPECT_FALSE(evse.capabilities().can_switch_phases);
  EXPECT_FALSE(evse.set_phases(1).ok());
}

TEST(PlanPhaseSwitch, PausesFirstAndKeepsThePauseDuringTheWait) {
  FakeClient client;
  TeltoCharge telto(settings("teltocharge", 4));
  client.holding(4, 0, std::vector<std::uint16_t>(45, 0));
  client.holding(4, 9, {21571, 1, 1, 32});
  execute_all(client, telto, telto.poll(PollLevel::fast));
  auto plan = plan_phase_switch(telto, 1, 10);
  ASSERT_TRUE(plan.ok()) << plan.error;
  ASSERT_EQ(plan.pause.size(), 1u);
  EXPECT_EQ(plan.pause[0].address, 15);
  EXPECT_THAT(plan.pause[0].values, ElementsAre(0));
  EXPECT_GE(plan.settle, std::chrono::seconds(5));
  ASSERT_EQ(plan.switch_phases.size(), 1u);
  EXPECT_EQ(plan.switch_phases[0].address, 14);
  ASSERT_FALSE(plan.resume.empty());
  EXPECT_EQ(plan.resume[0].address, 15);
  EXPECT_THAT(plan.resume[0].values, ElementsAre(10));
  execute_all(client, telto, plan.pause);
  auto feed = telto.keep_alive();  // while waiting: the pause again, never the new current
  ASSERT_TRUE(feed.ok());
  EXPECT_THAT(feed.requests[0].values, ElementsAre(0));
  execute_all(client, telto, plan.switch_phases);
  execute_all(client, telto, plan.resume);
  EXPECT_THAT(telto.keep_alive().requests[0].values, ElementsAre(10)) << "after the resume reply, its current";
}

TEST(PlanPhaseSwitch, NothingToRunWhenTheChargerCannotSwitch) {
  KebaP30 keba(settings("keba_p30", 255));
  auto plan = plan_phase_switch(keba, 1, 10);
  EXPECT_FALSE(plan.ok());
  EXPECT_TRUE(plan.pause.empty());
  EXPECT_TRUE(plan.resume.empty());
}

}  // namespace
}  // namespace ampgate::drivers
