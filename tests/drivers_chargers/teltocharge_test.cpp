// TeltoCharge codec against an in-memory register bank laid out as the vendor's map.
#include "drivers/chargers/teltocharge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using modbus::Function;
using test::FakeClient;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::uint8_t unit = 7;

ChargerSettings settings() {
  ChargerSettings s;
  s.model = "teltocharge";
  s.unit = unit;
  s.min_current = 6;
  s.max_current = 16;
  return s;
}

// A charging three-phase unit: every register of 0..44 set to a plausible value.
void fill(FakeClient& c) {
  c.holding(unit, 0, {231, 229, 232});       // V
  c.holding(unit, 3, {161, 158, 0xFFF6});    // 16.1 A, 15.8 A, -1.0 A
  c.holding(unit, 6, {0});                   // C charging
  c.holding(unit, 7, {0x0010, 0x0001});      // 0x10010 s, low word first
  c.holding(unit, 9, {21571});
  c.holding(unit, 10, {1, 1, 32, 6, 6, 16, 0, 0, 0, 30, 6, 0, 0, 4321, 0x5678, 0x1234, 11234});
  c.holding(unit, 27, {3, 25, 16, 1, 0xFFC9 /* -5.5 °C */, 1, 4, 0, 0, 6, 2, 11040, 1234, 3600});
  c.holding(unit, 41, {0x0004, 0x0003, 0x0002, 0x0001});  // lifetime, low word first
}

struct TeltoChargeTest : ::testing::Test {
  FakeClient client;
  TeltoCharge charger{settings()};
  void poll(PollLevel level = PollLevel::slow) { execute_all(client, charger, charger.poll(level)); }
};

TEST_F(TeltoChargeTest, PollReadsTheLiveBlockFastAndTheLifetimeCounterSlow) {
  auto fast = charger.poll(PollLevel::fast);
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_EQ(fast[0].unit, unit);
  EXPECT_EQ(fast[0].function, Function::read_holding);
  EXPECT_EQ(fast[0].address, 0);
  EXPECT_EQ(fast[0].count, 41);
  EXPECT_EQ(fast[0].priority, modbus::Priority::status);
  auto slow = charger.poll(PollLevel::slow);
  ASSERT_EQ(slow.size(), 2u);
  EXPECT_EQ(slow[1].address, 41);
  EXPECT_EQ(slow[1].count, 4);
  EXPECT_EQ(slow[1].priority, modbus::Priority::telemetry);
}

TEST_F(TeltoChargeTest, DecodesMeasurementsInSiUnits) {
  fill(client);
  poll();
  const auto& s = charger.state();
  EXPECT_EQ(s.voltage[0], 231);
  EXPECT_EQ(s.voltage[2], 232);
  EXPECT_DOUBLE_EQ(*s.current[0], 16.1);
  EXPECT_DOUBLE_EQ(*s.current[1], 15.8);
  EXPECT_DOUBLE_EQ(*s.current[2], -1.0);  // signed register
  EXPECT_EQ(s.power, 11040);
  EXPECT_DOUBLE_EQ(*s.session_energy, 12340.0);  // 12.34 kWh in hundredths
  EXPECT_DOUBLE_EQ(*s.temperature, -5.5);
  EXPECT_EQ(s.current_limit, 16);
  EXPECT_EQ(s.active_phases, 3);
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  EXPECT_EQ(s.info.at("product_code"), "EVC4321");
  EXPECT_EQ(s.info.at("serial"), std::to_string(0x12345678));
  EXPECT_EQ(s.info.at("firmware"), "11234");
  EXPECT_THAT(s.errors, IsEmpty());
}

TEST_F(TeltoChargeTest, AssemblesThirtyTwoAndSixtyFourBitCountersLowWordFirst) {
  fill(client);
  poll();
  EXPECT_EQ(charger.detail().status_time_s, 0x10010u);
  EXPECT_DOUBLE_EQ(*charger.state().lifetime_energy, static_cast<double>(0x0001000200030004ULL) * 10.0);
}

TEST_F(TeltoChargeTest, DecodesSettingsAndFlagsRegisters) {
  fill(client);
  poll();
  const auto& d = charger.detail();
  EXPECT_EQ(d.evse_id_ok, true);
  EXPECT_EQ(d.three_phase_possible, true);
  EXPECT_EQ(d.phase_change_possible, true);
  EXPECT_EQ(d.amp_limit, 32);
  EXPECT_EQ(d.phase_connected, "three_phase");
  EXPECT_EQ(d.phase_to_use, "three_phase");
  EXPECT_EQ(d.amps_to_use, 16);
  EXPECT_EQ(d.stop_requested, false);
  EXPECT_EQ(d.comm_timeout_s, 30);
  EXPECT_EQ(d.failsafe_current, 6);
  EXPECT_EQ(d.requires_authorization, false);
  EXPECT_EQ(d.charge_point_state, "charging");
  EXPECT_EQ(d.max_power_from_grid, 25);
  EXPECT_EQ(d.user_max_current, 16);
  EXPECT_EQ(d.socket_locked, true);
  EXPECT_EQ(d.ocpp_connected, true);
  EXPECT_EQ(d.iec_state, "C2_charging");
  EXPECT_EQ(d.max_supported_power, "22kW_3ph_32A");
  EXPECT_EQ(d.session_duration_s, 3600);
  EXPECT_EQ(charger.state().limit_cause, "load_balance");
  EXPECT_EQ(charger.capabilities().failsafe_current, 6);
}

// Each value of each table, as the vendor's tables a..f and the register comments name them.
struct EnumCase {
  std::uint16_t address;
  std::vector<std::string> names;  // index = raw value
};

TEST_F(TeltoChargeTest, DecodesEveryEvseStatusOfTableA) {
  const std::vector<std::string> a = {"C_charging", "B1_authorized_waiting_for_ev", "B2_was_charging_not_enough_power",
                                      "B3_not_charging_not_enough_power", "D1_stopped_by_ev", "D2_not_authorized",
                                      "D3_charging_not_allowed", "A_no_ev", "F_error", "E_unknown"};
  fill(client);
  for (std::uint16_t v = 0; v < a.size(); ++v) {
    client.holding(unit, 6, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().evse_status, a[v]) << v;
  }
  client.holding(unit, 6, {10});
  poll(PollLevel::fast);
  EXPECT_EQ(charger.detail().evse_status, "EVSE status 10 (undocumented)");
}

TEST_F(TeltoChargeTest, DecodesEveryChargePointStateOfTableB) {
  const std::vector<std::string> b = {"no_ev_connected", "awaiting_permission", "charging_authorized", "charging",
                                      "charging_paused", "charge_successful", "stopped_by_user", "charging_error",
                                      "reserved", "other"};
  fill(client);
  for (std::uint16_t v = 0; v < b.size(); ++v) {
    client.holding(unit, 27, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().charge_point_state, b[v]) << v;
    EXPECT_EQ(charger.state().vendor_state, b[v]) << v;
  }
}

TEST_F(TeltoChargeTest, MapsEveryIecStateOfTableC) {
  struct Case {
    std::uint16_t raw;
    const char* name;
    IecState iec;
    bool charging;
  };
  const Case cases[] = {
      {0, "A_no_vehicle", IecState::A, false},          {1, "B1_pending_authorization", IecState::B, false},
      {2, "B2_ready_pwm_active", IecState::B, false},   {3, "C1_no_pwm", IecState::C, false},
      {4, "C2_charging", IecState::C, true},            {5, "D1_no_pwm_ventilation", IecState::D, false},
      {6, "D2_charging_ventilation", IecState::D, true}, {7, "E_cp_fault", IecState::E, false},
      {8, "F_evse_fault", IecState::F, false},
  };
  fill(client);
  for (const auto& c : cases) {
    client.holding(unit, 33, {c.raw});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().iec_state, c.name) << c.raw;
    EXPECT_EQ(charger.state().iec, c.iec) << c.raw;
    EXPECT_EQ(charger.state().charging, c.charging) << c.raw;
  }
  client.holding(unit, 33, {9});
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().iec, IecState::unknown);
}

TEST_F(TeltoChargeTest, DecodesEveryWarningBitOfTableD) {
  const std::vector<std::string> d = {"midplate_open", "temperature_warning", "current_above_allowed",
                                      "ventilation_required", "real_time_clock_lost", "simplified_cp_denied",
                                      "simplified_cp_detected", "charging_without_ventilation_denied",
                                      "pen_ct_not_calibrated", "nfc_module_fault", "pen_fault_detected"};
  fill(client);
  for (std::uint16_t bit = 0; bit < d.size(); ++bit) {
    client.holding(unit, 34, {static_cast<std::uint16_t>(1u << bit)});
    poll(PollLevel::fast);
    EXPECT_THAT(charger.state().warnings, ElementsAre(d[bit])) << bit;
  }
  client.holding(unit, 34, {0x0806});  // bits 1, 2 and the undocumented 11
  poll(PollLevel::fast);
  EXPECT_THAT(charger.state().warnings,
              ElementsAre("temperature_warning", "current_above_allowed", "warning bit 11 (undocumented)"));
}

TEST_F(TeltoChargeTest, DecodesEveryErrorBitOfTableE) {
  const std::vector<std::string> e = {"input_voltage_out_of_range", "output_voltage_out_of_range",
                                      "leakage_sensor_test_failed", "ev_diode_or_cp_fault", "overcurrent",
                                      "temperature_error", "pen_fault_active", "proximity_pilot_error",
                                      "current_leakage", "socket_lock_error", "internal_error"};
  fill(client);
  for (std::uint16_t bit = 0; bit < e.size(); ++bit) {
    client.holding(unit, 35, {static_cast<std::uint16_t>(1u << bit)});
    poll(PollLevel::fast);
    EXPECT_THAT(charger.state().errors, ElementsAre(e[bit])) << bit;
  }
}

TEST_F(TeltoChargeTest, DecodesEveryCurrentLimitCauseOfTableF) {
  const std::vector<std::string> f = {"hardware_limits", "max_power_from_grid", "user_setting", "charging_cable",
                                      "simple_cp_sequence", "evse_default_settings", "load_balance", "temperature"};
  fill(client);
  for (std::uint16_t v = 0; v < f.size(); ++v) {
    client.holding(unit, 36, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.state().limit_cause, f[v]) << v;
  }
  client.holding(unit, 36, {8});  // the register range says 0..8, the table stops at 7
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().limit_cause, "limit cause 8 (undocumented)");
}

TEST_F(TeltoChargeTest, DecodesPhaseLockAndPowerClassEnumerations) {
  const std::vector<std::string> phases = {"L1", "L2", "L3", "L1_L2", "L1_L3", "L2_L3", "three_phase", "none"};
  const std::vector<std::optional<int>> active = {1, 1, 1, 2, 2, 2, 3, std::nullopt};
  fill(client);
  for (std::uint16_t v = 0; v < phases.size(); ++v) {
    client.holding(unit, 13, {v, v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().phase_connected, phases[v]);
    EXPECT_EQ(charger.detail().phase_to_use, phases[v]);
    EXPECT_EQ(charger.state().active_phases, active[v]) << v;
  }
  const std::vector<std::string> locks = {"auto", "always_locked", "force_unlock"};
  for (std::uint16_t v = 0; v < locks.size(); ++v) {
    client.holding(unit, 18, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().socket_lock_mode, locks[v]);
  }
  const std::vector<std::string> power = {"7.4kW_1ph_32A", "11kW_3ph_16A", "22kW_3ph_32A"};
  for (std::uint16_t v = 0; v < power.size(); ++v) {
    client.holding(unit, 37, {v});
    poll(PollLevel::fast);
    EXPECT_EQ(charger.detail().max_supported_power, power[v]);
  }
}

TEST_F(TeltoChargeTest, FlagsADeviceThatIsNotATeltoCharge) {
  fill(client);
  client.holding(unit, 9, {1234});
  poll(PollLevel::fast);
  EXPECT_EQ(charger.detail().evse_id_ok, false);
  ASSERT_EQ(charger.state().errors.size(), 1u);
  EXPECT_THAT(charger.state().errors[0], ::testing::HasSubstr("not_a_teltocharge"));
}

TEST_F(TeltoChargeTest, AFailedReadMakesValuesStaleNotZero) {
  fill(client);
  const auto t0 = Clock::now();
  for (const auto& r : charger.poll(PollLevel::slow)) charger.on_reply(r, client.execute(r), t0);
  ASSERT_TRUE(charger.state().current[0]);
  client.silent = true;
  const auto t1 = t0 + std::chrono::seconds(5);
  for (const auto& r : charger.poll(PollLevel::fast)) charger.on_reply(r, client.execute(r), t1);
  const auto& s = charger.state();
  EXPECT_FALSE(s.current[0]);
  EXPECT_FALSE(s.power);
  EXPECT_FALSE(s.charging);
  EXPECT_EQ(s.iec, IecState::unknown);
  EXPECT_FALSE(charger.detail().failsafe_current);
  EXPECT_TRUE(s.lifetime_energy);  // its own group was not read this time
  EXPECT_EQ(s.age(TeltoCharge::live_tag, t1), std::chrono::seconds(5));
  EXPECT_FALSE(charger.capabilities().can_switch_phases);  // unknown again, so not assumed
}

TEST_F(TeltoChargeTest, ExceptionsAndWrongLengthRepliesAreRejected) {
  fill(client);
  client.short_replies = true;
  poll();
  EXPECT_FALSE(charger.state().current[0]);
  EXPECT_FALSE(charger.state().lifetime_energy);
  EXPECT_FALSE(charger.state().age(TeltoCharge::live_tag, Clock::now()));
  client.short_replies = false;
  FakeClient empty;  // every address is unmapped: exception 2
  execute_all(empty, charger, charger.poll(PollLevel::slow));
  EXPECT_FALSE(charger.state().power);
}

TEST_F(TeltoChargeTest, SetCurrentWritesWholeAmperesToRegister15) {
  auto r = charger.set_current(10.7);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].unit, unit);
  EXPECT_EQ(r.requests[0].function, Function::write_single);
  EXPECT_EQ(r.requests[0].address, 15);
  EXPECT_THAT(r.requests[0].values, ElementsAre(10));
  EXPECT_EQ(r.requests[0].priority, modbus::Priority::setpoint);
}

TEST_F(TeltoChargeTest, SetCurrentRefusesValuesOutsideTheLimits) {
  EXPECT_FALSE(charger.set_current(16.5).ok());  // above the installer's max
  EXPECT_FALSE(charger.set_current(5).ok());
  EXPECT_FALSE(charger.set_current(0).ok());
  EXPECT_THAT(charger.set_current(20).error, ::testing::HasSubstr("above"));
  fill(client);
  client.holding(unit, 12, {10});  // the EVSE says it can only do 10 A
  poll(PollLevel::fast);
  EXPECT_EQ(charger.capabilities().max_current, 10);
  EXPECT_FALSE(charger.set_current(12).ok());
}

TEST_F(TeltoChargeTest, PhaseSwitchingOnlyWhenTheChargerSaysItCan) {
  EXPECT_FALSE(charger.set_phases(1).ok());
  fill(client);
  poll(PollLevel::fast);
  auto one = charger.set_phases(1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_EQ(one.requests[0].address, 14);
  EXPECT_THAT(one.requests[0].values, ElementsAre(0));
  EXPECT_THAT(charger.set_phases(3).requests[0].values, ElementsAre(6));
  EXPECT_FALSE(charger.set_phases(2).ok());
  client.holding(unit, 11, {0});
  poll(PollLevel::fast);
  EXPECT_FALSE(charger.set_phases(3).ok());
}

TEST_F(TeltoChargeTest, StartStopAuthorizeAndSocketLockWriteTheirRegisters) {
  auto check = [](const CommandResult& r, std::uint16_t address, std::uint16_t value) {
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.requests.size(), 1u);
    EXPECT_EQ(r.requests[0].address, address);
    EXPECT_THAT(r.requests[0].values, ElementsAre(value));
  };
  // Pause and resume through amps to use (register 15); register 16 is for a user's stop.
  check(charger.stop(), 15, 0);
  check(charger.set_current(9), 15, 9);
  check(charger.start(), 15, 9);
  check(charger.end_session(), 16, 1);
  check(charger.resume_session(), 16, 2);
  check(charger.authorize(), 17, 1);
  check(charger.set_socket_lock(SocketLock::unlock), 18, 2);
  check(charger.set_socket_lock(SocketLock::always_locked), 18, 1);
}

TEST_F(TeltoChargeTest, WatchdogProgrammingWritesTimeoutAndFailsafeTogether) {
  auto r = charger.program_watchdog(20, 6);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].function, Function::write_multiple);
  EXPECT_EQ(r.requests[0].address, 19);
  EXPECT_THAT(r.requests[0].values, ElementsAre(20, 6));
  EXPECT_TRUE(charger.program_watchdog(600, 0).ok());
  EXPECT_FALSE(charger.program_watchdog(0, 6).ok());    // 0 would switch the watchdog off
  EXPECT_FALSE(charger.program_watchdog(601, 6).ok());
  EXPECT_FALSE(charger.program_watchdog(30, 3).ok());   // 1..5 A is not a valid failsafe
  EXPECT_FALSE(charger.program_watchdog(30, 20).ok());  // above the charger's max
}

TEST_F(TeltoChargeTest, KeepAliveRepeatsTheLastSetpoint) {
  auto before = charger.keep_alive();
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before.requests[0].is_write());  // nothing commanded yet: a harmless read
  ASSERT_TRUE(charger.set_current(12).ok());
  auto after = charger.keep_alive();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.requests[0].address, 15);
  EXPECT_THAT(after.requests[0].values, ElementsAre(12));
}

TEST_F(TeltoChargeTest, WritesLandInTheRegistersThatAreReadBack) {
  fill(client);
  execute_all(client, charger, charger.set_current(8).requests);
  execute_all(client, charger, charger.program_watchdog(45, 0).requests);
  poll(PollLevel::fast);
  EXPECT_EQ(charger.state().current_limit, 8);
  EXPECT_EQ(charger.detail().comm_timeout_s, 45);
  EXPECT_EQ(charger.detail().failsafe_current, 0);
}

}  // namespace
}  // namespace ampgate::drivers
