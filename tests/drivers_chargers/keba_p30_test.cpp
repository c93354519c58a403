// KEBA P30 codec: one 32-bit value per read, FC6 writes.
#include "drivers/chargers/keba_p30.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using modbus::Function;
using test::FakeClient;
using ::testing::ElementsAre;

constexpr std::uint8_t unit = 255;

struct KebaTest : ::testing::Test {
  FakeClient client;
  KebaP30 charger{[] {
    ChargerSettings s;
    s.model = "keba_p30";
    s.unit = unit;
    s.max_current = 32;
    return s;
  }()};

  void fill() {
    client.holding32(unit, 1000, 3);  // charging
    client.holding32(unit, 1004, 7);  // cable at station and EV, locked
    client.holding32(unit, 1006, 0);
    client.holding32(unit, 1008, 15980);
    client.holding32(unit, 1010, 16020);
    client.holding32(unit, 1012, 70000);  // 70 A: needs the high word
    client.holding32(unit, 1014, 17654321);
    client.holding32(unit, 1016, 304111);
    client.holding32(unit, 1018, 0x030A0D00);
    client.holding32(unit, 1020, 11050000);  // mW
    client.holding32(unit, 1036, 123456789);  // 0.1 Wh
    client.holding32(unit, 1040, 230);
    client.holding32(unit, 1042, 231);
    client.holding32(unit, 1044, 229);
    client.holding32(unit, 1100, 16000);
    client.holding32(unit, 1110, 32000);
    client.holding32(unit, 1502, 55000);
    client.holding32(unit, 1552, 1);
    client.holding32(unit, 1600, 6000);
    client.holding32(unit, 1602, 30);
  }
  void poll(PollLevel level = PollLevel::slow) { execute_all(client, charger, charger.poll(level)); }
};

TEST_F(KebaTest, ReadsEachValueOnItsOwnWithTwoRegisters) {
  auto fast = charger.poll(PollLevel::fast);
  std::vector<std::uint16_t> addresses;
  for (const auto& r : fast) {
    EXPECT_EQ(r.function, Function::read_holding);
    EXPECT_EQ(r.count, 2);
    EXPECT_EQ(r.unit, unit);
    addresses.push_back(r.address);
  }
  EXPECT_THAT(addresses, ElementsAre(1000, 1004, 1008, 1010, 1012, 1020, 1100));
  EXPECT_GT(charger.poll(PollLevel::slow).size(), fast.size());
}

TEST_F(KebaTest, DecodesMilliunitsAndCounters) {
  fill();
  poll();
  const auto& s = charger.state();
  EXPECT_DOUBLE_EQ(*s.current[0], 15.98);
  EXPECT_DOUBLE_EQ(*s.current[2], 70.0);
  EXPECT_DOUBLE_EQ(*s.power, 11050.0);
  EXPECT_DOUBLE_EQ(*s.lifetime_energy, 12345678.9);
  EXPECT_DOUBLE_EQ(*s.session_energy, 5500.0);
  EXPECT_EQ(s.voltage[1], 231);
  EXPECT_EQ(s.current_limit, 16);
  EXPECT_EQ(s.active_phases, 3);
  EXPECT_EQ(s.info.at("firmware"), "3.10.13");
  EXPECT_EQ(s.info.at("serial"), "17654321");
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_EQ(charger.detail().failsafe_current, 6);
  EXPECT_EQ(charger.detail().failsafe_timeout_s, 30);
}

TEST_F(KebaTest, DecodesEveryChargingAndCableState) {
  fill();
  const char* states[] = {"starting", "not_ready", "ready", "charging", "error", "interrupted"};
  for (std::uint32_t v = 0; v < 6; ++v) {
    client.holding32(unit, 1000, v);
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().charging_state, states[v]);
  }
  const std::pair<std::uint32_t, const char*> cables[] = {
      {0, "no_cable"}, {1, "cable_at_station"}, {3, "cable_at_station_locked"}, {5, "cable_at_station_and_ev"},
      {7, "cable_at_station_and_ev_locked"}, {2, "cable state 2 (undocumented)"}};
  for (auto [v, name] : cables) {
    client.holding32(unit, 1004, v);
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().cable_state, name);
  }
}

TEST_F(KebaTest, MapsCableAndChargingStateToIec) {
  fill();
  struct Case {
    std::uint32_t cable, charging;
    IecState iec;
  };
  const Case cases[] = {{1, 2, IecState::A}, {3, 3, IecState::A}, {5, 3, IecState::C},
                        {7, 2, IecState::B}, {5, 5, IecState::B}, {5, 4, IecState::F}};
  for (const auto& c : cases) {
    client.holding32(unit, 1004, c.cable);
    client.holding32(unit, 1000, c.charging);
    poll(PollLevel::fast);
    EXPECT_EQ(charger.state().iec, c.iec) << c.cable << "/" << c.charging;
  }
}

TEST_F(KebaTest, OnlyTheValueWhoseReadFailedGoesStale) {
  fill();
  poll();
  FakeClient broken;  // answers nothing
  for (const auto& r : charger.poll(PollLevel::fast)) {
    const bool fail = r.address == 1010;
    charger.on_reply(r, fail ? broken.execute(r) : client.execute(r), Clock::now());
  }
  EXPECT_FALSE(charger.state().current[1]);
  EXPECT_TRUE(charger.state().current[0]);
  client.holding32(unit, 1004, 7);
  client.silent = true;
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().iec, IecState::unknown);
  EXPECT_FALSE(charger.state().power);
}

TEST_F(KebaTest, ReportsANonZeroErrorCode) {
  fill();
  client.holding32(unit, 1006, 0x5B);
  poll();
  EXPECT_THAT(charger.state().errors, ElementsAre("error_code_91"));
}

TEST_F(KebaTest, CommandsWriteSingleRegisters) {
  auto cur = charger.set_current(16.5);
  ASSERT_TRUE(cur.ok()) << cur.error;
  EXPECT_EQ(cur.requests[0].function, Function::write_single);
  EXPECT_EQ(cur.requests[0].address, 5004);
  EXPECT_THAT(cur.requests[0].values, ElementsAre(16500));
  EXPECT_EQ(cur.requests[0].priority, modbus::Priority::setpoint);
  EXPECT_THAT(charger.stop().requests[0].values, ElementsAre(0));
  EXPECT_EQ(charger.stop().requests[0].address, 5014);
  EXPECT_THAT(charger.start().requests[0].values, ElementsAre(1));
  EXPECT_FALSE(charger.set_current(33).ok());
  EXPECT_FALSE(charger.set_current(5.9).ok());
  EXPECT_FALSE(charger.set_phases(1).ok());
  EXPECT_FALSE(charger.authorize().ok());
  EXPECT_FALSE(charger.capabilities().can_switch_phases);
}

TEST_F(KebaTest, MaxSupportedCurrentLimitsSetpoints) {
  fill();
  client.holding32(unit, 1110, 20000);
  poll();
  EXPECT_EQ(charger.capabilities().max_current, 20);
  EXPECT_FALSE(charger.set_current(25).ok());
}

TEST_F(KebaTest, WatchdogSetsFailsafeCurrentBeforeTimeoutAndKeepAliveRewritesTimeout) {
  EXPECT_FALSE(charger.keep_alive().ok());
  auto w = charger.program_watchdog(20, 6);
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_EQ(w.requests.size(), 2u);
  EXPECT_EQ(w.requests[0].address, 5016);
  EXPECT_THAT(w.requests[0].values, ElementsAre(6000));
  EXPECT_EQ(w.requests[1].address, 5018);
  EXPECT_THAT(w.requests[1].values, ElementsAre(20));
  auto k = charger.keep_alive();
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k.requests[0].address, 5018);
  EXPECT_THAT(k.requests[0].values, ElementsAre(20));
  EXPECT_FALSE(charger.program_watchdog(0, 6).ok());
  EXPECT_FALSE(charger.program_watchdog(20, 4).ok());
}

}  // namespace
}  // namespace ampgate::drivers
