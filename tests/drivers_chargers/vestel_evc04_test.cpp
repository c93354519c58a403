// Vestel EVC04 codec: input-register block, holding-register failsafe, alive register.
#include "drivers/chargers/vestel_evc04.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using modbus::Function;
using test::FakeClient;
using ::testing::ElementsAre;

constexpr std::uint8_t unit = 255;

struct VestelTest : ::testing::Test {
  FakeClient client;
  VestelEvc04 charger{[] {
    ChargerSettings s;
    s.model = "vestel_evc04";
    s.unit = unit;
    s.max_current = 32;
    return s;
  }()};

  void fill() {
    client.input(unit, 1000, std::vector<std::uint16_t>(38, 0));
    client.input(unit, 1000, {2, 1, 1, 0, 3});  // charging, charging, running, -, locked
    client.input32(unit, 1006, 0);
    client.input(unit, 1008, {15500, 0, 15700, 0, 15600, 0, 230, 0, 231, 0, 232});
    client.input32(unit, 1020, 107000);
    client.input32(unit, 1024, 3600);
    client.input32(unit, 1028, 3610);
    client.input32(unit, 1032, 3590);
    client.input32(unit, 1036, 98765);  // 0.1 kWh
    client.input(unit, 1100, {16, 0, 6, 0, 32, 0, 20});
    client.input(unit, 1502, {0, 0, 0, 0, 0, 0, 0, 0});
    client.input32(unit, 1502, 4321);
    client.input32(unit, 1508, 5400);
    client.input(unit, 404, {1});
    client.holding(unit, 405, {1});
    client.holding(unit, 2000, {8, 0, 60});
    std::vector<std::uint16_t> serial(25, 0);
    const std::string sn = "EVC04-123";
    for (std::size_t i = 0; i < sn.size(); ++i) serial[i] = static_cast<std::uint8_t>(sn[i]);
    client.input(unit, 100, serial);
  }
  void poll(PollLevel level = PollLevel::slow) { execute_all(client, charger, charger.poll(level)); }
};

TEST_F(VestelTest, PollsOneInputBlockFast) {
  auto fast = charger.poll(PollLevel::fast);
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_EQ(fast[0].function, Function::read_input);
  EXPECT_EQ(fast[0].address, 1000);
  EXPECT_EQ(fast[0].count, 38);
  auto slow = charger.poll(PollLevel::slow);
  bool failsafe_read = false;
  for (const auto& r : slow) failsafe_read |= r.address == 2000 && r.function == Function::read_holding;
  EXPECT_TRUE(failsafe_read);
}

TEST_F(VestelTest, DecodesValuesInSiUnits) {
  fill();
  poll();
  const auto& s = charger.state();
  EXPECT_DOUBLE_EQ(*s.current[0], 15.5);
  EXPECT_DOUBLE_EQ(*s.current[2], 15.6);
  EXPECT_EQ(s.voltage[2], 232);
  EXPECT_EQ(s.power, 107000);  // u32: above 65535
  EXPECT_EQ(charger.detail().phase_power[1], 3610);
  EXPECT_DOUBLE_EQ(*s.lifetime_energy, 9876500.0);
  EXPECT_EQ(s.session_energy, 4321);
  EXPECT_EQ(charger.detail().session_duration_s, 5400);
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_EQ(s.info.at("serial"), "EVC04-123");
  EXPECT_EQ(charger.detail().failsafe_current, 8);
  EXPECT_EQ(charger.detail().failsafe_timeout_s, 60);
  EXPECT_EQ(charger.detail().evse_max_current, 32);
  EXPECT_EQ(charger.detail().cable_max_current, 20);
  EXPECT_TRUE(charger.capabilities().can_switch_phases);
}

TEST_F(VestelTest, DecodesEveryStateEnumeration) {
  fill();
  const char* cp[] = {"available", "preparing", "charging", "suspended_evse", "suspended_ev",
                      "finishing", "reserved",  "unavailable", "faulted"};
  for (std::uint16_t v = 0; v < 9; ++v) {
    client.input(unit, 1000, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().charge_point_state, cp[v]);
  }
  client.input(unit, 1000, {2});
  const char* eq[] = {"initialising", "running", "fault", "disabled", "updating"};
  for (std::uint16_t v = 0; v < 5; ++v) {
    client.input(unit, 1002, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().equipment_state, eq[v]);
  }
  client.input(unit, 1002, {1});
  const char* cable[] = {"no_cable", "cable_no_vehicle", "vehicle_connected", "vehicle_connected_locked"};
  for (std::uint16_t v = 0; v < 4; ++v) {
    client.input(unit, 1004, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().cable_state, cable[v]);
  }
}

TEST_F(VestelTest, MapsCableChargingAndFaultToIec) {
  fill();
  struct Case {
    std::uint16_t cp, charging, equipment, cable;
    IecState iec;
  };
  const Case cases[] = {{0, 0, 1, 0, IecState::A}, {1, 0, 1, 1, IecState::A}, {1, 0, 1, 2, IecState::B},
                        {2, 1, 1, 3, IecState::C}, {4, 0, 1, 3, IecState::B}, {8, 0, 1, 3, IecState::F},
                        {2, 0, 2, 3, IecState::F}};
  for (const auto& c : cases) {
    client.input(unit, 1000, {c.cp, c.charging, c.equipment, 0, c.cable});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.state().iec, c.iec) << c.cp << "/" << c.cable;
  }
  client.input32(unit, 1006, 70000);
  poll(PollLevel::fast);
  EXPECT_THAT(charger.state().errors, ElementsAre("fault_code_70000", "equipment_fault"));
}

TEST_F(VestelTest, FailedOrShortLiveReadMakesStateStale) {
  fill();
  poll();
  client.short_replies = true;
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().iec, IecState::unknown);
  EXPECT_FALSE(charger.state().current[0]);
  EXPECT_FALSE(charger.state().power);
  EXPECT_TRUE(charger.state().session_energy);  // another group, read before
  client.short_replies = false;
  client.silent = true;
  poll();
  EXPECT_FALSE(charger.state().session_energy);
  EXPECT_FALSE(charger.capabilities().can_switch_phases);
}

TEST_F(VestelTest, CommandsUseTheDocumentedRegisters) {
  auto c = charger.set_current(10.9);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.requests[0].address, 5004);
  EXPECT_THAT(c.requests[0].values, ElementsAre(10));
  EXPECT_THAT(charger.stop().requests[0].values, ElementsAre(0));
  EXPECT_THAT(charger.start().requests[0].values, ElementsAre(10));  // resumes at the last setpoint
  auto a = charger.keep_alive();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.requests[0].address, 6000);
  EXPECT_THAT(a.requests[0].values, ElementsAre(1));
  auto w = charger.program_watchdog(30, 6);
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_EQ(w.requests.size(), 2u);
  EXPECT_EQ(w.requests[0].address, 2000);
  EXPECT_THAT(w.requests[0].values, ElementsAre(6));
  EXPECT_EQ(w.requests[1].address, 2002);
  EXPECT_THAT(w.requests[1].values, ElementsAre(30));
  EXPECT_FALSE(charger.set_current(40).ok());
  EXPECT_FALSE(charger.set_current(0).ok());
  EXPECT_FALSE(charger.authorize().ok());
  EXPECT_FALSE(charger.set_phases(1).ok());  // not known to be a three-phase unit yet
}

TEST_F(VestelTest, PhaseSwitchingWritesRegister405) {
  fill();
  poll();
  auto one = charger.set_phases(1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_EQ(one.requests[0].address, 405);
  EXPECT_THAT(one.requests[0].values, ElementsAre(0));
  EXPECT_THAT(charger.set_phases(3).requests[0].values, ElementsAre(1));
}

// The phase count in use is register 405 as the unit is set (0 one, 1 three): known before
// any switch, so that a car is not paused for a switch to what is already in force.
TEST_F(VestelTest, ReportsThePhasesInUseFromRegister405) {
  fill();
  poll();
  EXPECT_EQ(charger.state().active_phases, 3);
  client.holding(unit, 405, {0});
  poll();
  EXPECT_EQ(charger.state().active_phases, 1);
  client.holding(unit, 405, {1});
  client.input(unit, 404, {0});  // a one-phase unit uses one phase whatever 405 holds
  poll();
  EXPECT_EQ(charger.state().active_phases, 1);
}

}  // namespace
}  // namespace ampgate::drivers
