// The charge point model's profile stack, as a table of cases (OCPP 1.6 §3.13).
#include <gtest/gtest.h>

#include "gateway/sim/ocpp_keys.h"
#include "gateway/sim/ocpp_profiles.h"

namespace ampgate::sim::ocpp {
namespace {

constexpr double t0 = 1'800'000'000.0;

Profile amps(int id, Purpose purpose, int level, double limit, int connector = 1) {
  Profile p;
  p.id = id;
  p.purpose = purpose;
  p.stack_level = level;
  p.connector = connector;
  p.kind = Kind::absolute;
  p.start_schedule = t0;
  p.periods = {{0, limit, 1}};
  return p;
}

TEST(OcppProfiles, NoProfileLeavesTheDeviceLimit) {
  ProfileStore s;
  EXPECT_FALSE(s.limit_at(t0, std::nullopt, false, {}).has_value());
}

TEST(OcppProfiles, HighestStackLevelInForcePrevailsThenTheNextTakesOver) {
  ProfileStore s;
  ASSERT_EQ(s.install(amps(1, Purpose::tx_default, 0, 16), {}, std::nullopt), "");
  auto high = amps(2, Purpose::tx_default, 5, 10);
  high.duration = 60;  // ends after a minute: stack level 0 takes over
  ASSERT_EQ(s.install(high, {}, std::nullopt), "");
  EXPECT_EQ(*s.limit_at(t0 + 30, std::nullopt, false, {}), 10);
  EXPECT_EQ(*s.limit_at(t0 + 90, std::nullopt, false, {}), 16);
}

TEST(OcppProfiles, MaxProfileCapsTxProfileOverridesTxDefault) {
  ProfileStore s;
  ASSERT_EQ(s.install(amps(1, Purpose::charge_point_max, 0, 20, 0), {}, std::nullopt), "");
  ASSERT_EQ(s.install(amps(2, Purpose::tx_default, 0, 8), {}, 7), "");
  ASSERT_EQ(s.install(amps(3, Purpose::tx, 0, 25), {}, 7), "");
  EXPECT_EQ(*s.limit_at(t0 + 1, t0, true, {}), 20);   // Tx 25 overrides TxDefault 8, Max caps at 20
  s.end_transaction();
  EXPECT_EQ(*s.limit_at(t0 + 1, std::nullopt, false, {}), 8);
}

TEST(OcppProfiles, WattsOnOnePhaseAreDividedBy230V) {
  ProfileStore s;
  auto p = amps(1, Purpose::tx_default, 0, 2300);
  p.watts = true;
  ASSERT_EQ(s.install(p, {}, std::nullopt), "");
  EXPECT_DOUBLE_EQ(*s.limit_at(t0, std::nullopt, false, {}), 10.0);
}

TEST(OcppProfiles, RejectsWhatTheEvnetWould) {
  ProfileStore s;
  Limits l;
  EXPECT_NE(s.install(amps(1, Purpose::tx_default, 101, 10), l, std::nullopt), "");  // ChargeProfileMaxStackLevel 100
  EXPECT_NE(s.install(amps(1, Purpose::charge_point_max, 0, 10, 1), l, std::nullopt), "");  // Max on connector 1
  EXPECT_NE(s.install(amps(1, Purpose::tx, 0, 10), l, std::nullopt), "");  // no transaction
  auto many = amps(1, Purpose::tx_default, 0, 10);
  for (int i = 1; i <= 60; ++i) many.periods.push_back({i * 60.0, 10, 1});  // 61 periods
  EXPECT_NE(s.install(many, l, std::nullopt), "");
  auto late = amps(1, Purpose::tx_default, 0, 10);
  late.periods.front().start = 5;
  EXPECT_NE(s.install(late, l, std::nullopt), "");
  auto bad = amps(1, Purpose::tx_default, 0, -1);
  EXPECT_NE(s.install(bad, l, std::nullopt), "");
  EXPECT_EQ(s.size(), 0u);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(s.install(amps(i, Purpose::tx_default, i, 10), l, std::nullopt), "");
  EXPECT_NE(s.install(amps(10, Purpose::tx_default, 10, 10), l, std::nullopt), "");  // MaxChargingProfilesInstalled
  EXPECT_EQ(s.install(amps(10, Purpose::tx_default, 9, 10), l, std::nullopt), "");   // same level: replaces
}

TEST(OcppProfiles, TimesReadBothWays) {
  ASSERT_TRUE(parse_time("2027-01-15T08:00:00Z"));
  EXPECT_EQ(*parse_time("2027-01-15T09:00:00+01:00"), *parse_time("2027-01-15T08:00:00Z"));
  EXPECT_EQ(*parse_time(format_time(t0)), t0);
  EXPECT_FALSE(parse_time("yesterday"));
}

TEST(OcppKeys, ReadOnlyKeysAreRejectedUnknownOnesNotSupported) {
  ConfigKeys k;
  EXPECT_EQ(k.change("ChargeProfileMaxStackLevel", "5"), "Rejected");
  EXPECT_EQ(k.change("NoSuchKey", "1"), "NotSupported");
  EXPECT_EQ(k.change("MeterValueSampleInterval", "ten"), "Rejected");
  EXPECT_EQ(k.change("c_DeviceLimit_I", "400"), "Rejected");  // above the 32 A hardware
  EXPECT_EQ(k.change("c_DeviceLimit_I", "160"), "Accepted");
  EXPECT_EQ(k.change("MeterValuesSampledData", "Current.Import,Current.Offered"), "Accepted");
  EXPECT_EQ(k.change("MeterValuesSampledData", "Current.Import,Frequency"), "Rejected");
  EXPECT_EQ(*k.get("ChargingScheduleMaxPeriods"), "60");
}

}  // namespace
}  // namespace ampgate::sim::ocpp
