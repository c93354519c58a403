// SmartEVSE v3 codec: status block, error flags, override current and access.
#include "drivers/chargers/smartevse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using modbus::Function;
using test::FakeClient;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::uint8_t unit = 1;

struct SmartEvseTest : ::testing::Test {
  FakeClient client;
  SmartEvse charger{[] {
    ChargerSettings s;
    s.model = "smartevse";
    s.unit = unit;
    s.max_current = 25;
    return s;
  }()};
  void fill() {
    client.holding(unit, 0, {2, 0, 130, 1, 0, 1, 0, 20, 0, 0, 0xFFFD /* -3 °C */, 4242});
    client.holding(unit, 0x0100, {0, 2, 6, 20});
  }
  void poll(PollLevel level = PollLevel::slow) { execute_all(client, charger, charger.poll(level)); }
};

TEST_F(SmartEvseTest, ReadsTheStatusBlock) {
  auto fast = charger.poll(PollLevel::fast);
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_EQ(fast[0].address, 0);
  EXPECT_EQ(fast[0].count, 12);
  EXPECT_EQ(fast[0].unit, unit);
  ASSERT_EQ(charger.poll(PollLevel::slow).size(), 3u);  // status, node and system configuration
  EXPECT_EQ(charger.poll(PollLevel::slow)[1].address, 0x0100);
}

TEST_F(SmartEvseTest, DecodesStatusAndLeavesUnreportedCurrentsEmpty) {
  fill();
  poll();
  const auto& s = charger.state();
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_DOUBLE_EQ(*s.current_limit, 13.0);
  EXPECT_EQ(s.temperature, -3);
  EXPECT_EQ(s.info.at("serial"), "4242");
  EXPECT_EQ(s.info.at("cable_lock"), "motor");
  EXPECT_EQ(charger.detail().mode, "smart");
  EXPECT_EQ(charger.detail().access, "on");
  EXPECT_EQ(charger.capabilities().max_current, 20);  // the unit's own limit (0x0007)
  // The firmware does not report phase currents, power or energy: unknown, never zero.
  EXPECT_FALSE(s.current[0]);
  EXPECT_FALSE(s.power);
  EXPECT_FALSE(s.session_energy);
}

TEST_F(SmartEvseTest, MapsEveryStateToIec) {
  fill();
  const std::vector<std::pair<const char*, IecState>> states = {
      {"A", IecState::A},          {"B", IecState::B},         {"C", IecState::C},
      {"D", IecState::D},          {"COMM_B", IecState::B},    {"COMM_B_OK", IecState::B},
      {"COMM_C", IecState::B},     {"COMM_C_OK", IecState::B}, {"activation", IecState::B},
      {"B1", IecState::B},         {"C1", IecState::C},        {"modem_request", IecState::B},
      {"modem_wait", IecState::B}, {"modem_done", IecState::B}, {"modem_denied", IecState::B}};
  for (std::uint16_t v = 0; v < states.size(); ++v) {
    client.holding(unit, 0, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().state, states[v].first);
    EXPECT_EQ(charger.state().iec, states[v].second) << v;
    EXPECT_EQ(charger.state().charging, v == 2 || v == 3) << v;
  }
  client.holding(unit, 0, {15});
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().iec, IecState::unknown);
}

TEST_F(SmartEvseTest, DecodesEveryErrorFlag) {
  fill();
  const std::vector<std::string> names = {"less_than_6a", "mains_meter_no_comm", "temperature_high",
                                          "ev_meter_no_comm", "rcm_tripped", "rcm_test", "test_io",
                                          "bootloader_flash"};
  for (unsigned bit = 0; bit < names.size(); ++bit) {
    client.holding(unit, 1, {static_cast<std::uint16_t>(1u << bit)});
    poll(PollLevel::fast);
    const bool warning = bit == 0 || bit == 5;
    const auto& s = charger.state();
    EXPECT_THAT(warning ? s.warnings : s.errors, ElementsAre(names[bit])) << bit;
    EXPECT_THAT(warning ? s.errors : s.warnings, IsEmpty()) << bit;
  }
}

TEST_F(SmartEvseTest, FailedReadMakesStatusStale) {
  fill();
  poll();
  client.silent = true;
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().iec, IecState::unknown);
  EXPECT_FALSE(charger.state().charging);
  EXPECT_FALSE(charger.state().current_limit);
}

TEST_F(SmartEvseTest, CommandsWriteOverrideCurrentAndAccess) {
  auto c = charger.set_current(13.25);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.requests[0].function, Function::write_single);
  EXPECT_EQ(c.requests[0].address, 2);
  EXPECT_THAT(c.requests[0].values, ElementsAre(132));  // 0.1 A, rounded down
  auto k = charger.keep_alive();
  ASSERT_TRUE(k.ok());
  EXPECT_THAT(k.requests[0].values, ElementsAre(132));
  EXPECT_EQ(charger.stop().requests[0].address, 5);
  EXPECT_THAT(charger.stop().requests[0].values, ElementsAre(2));
  EXPECT_THAT(charger.start().requests[0].values, ElementsAre(1));
  EXPECT_FALSE(charger.set_current(26).ok());
  EXPECT_FALSE(charger.set_phases(1).ok());
  EXPECT_FALSE(charger.program_watchdog(30, 6).ok());
  EXPECT_FALSE(charger.authorize().ok());
  const auto caps = charger.capabilities();
  EXPECT_FALSE(caps.has_watchdog) << "mode not read yet: no watchdog is assumed";
  EXPECT_FALSE(caps.watchdog_programmable);
  EXPECT_EQ(caps.fixed_watchdog_timeout, 11.0);
}

TEST_F(SmartEvseTest, TheFixedWatchdogRunsOnlyInSmartAndSolarMode) {
  fill();  // mode 1: Smart
  poll(PollLevel::fast);
  EXPECT_TRUE(charger.capabilities().has_watchdog);
  client.holding(unit, 3, {0});  // Normal: no mains measurement to wait for, no timer
  poll(PollLevel::fast);
  EXPECT_FALSE(charger.capabilities().has_watchdog);
  client.holding(unit, 3, {2});  // Solar
  poll(PollLevel::fast);
  EXPECT_TRUE(charger.capabilities().has_watchdog);
}

TEST(SmartEvseKeepAlive, RefusesBeforeAnySetpoint) {
  ChargerSettings s;
  s.model = "smartevse";
  SmartEvse charger{s};
  EXPECT_FALSE(charger.keep_alive().ok());
}

}  // namespace
}  // namespace ampgate::drivers
