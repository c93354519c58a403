// The generic charger from a site-file register table, and the model factory.
#include "drivers/chargers/generic_charger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drivers_chargers/fake_client.h"

namespace ampgate::drivers {
namespace {

using modbus::Function;
using modbus::RegisterSpec;
using modbus::ValueType;
using modbus::WordOrder;
using test::FakeClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::uint8_t unit = 3;

RegisterSpec spec(Function f, std::uint16_t a, ValueType t, double scale, WordOrder o = WordOrder::high_first) {
  RegisterSpec s;
  s.function = f;
  s.address = a;
  s.type = t;
  s.scale = scale;
  s.order = o;
  return s;
}

ChargerSettings generic_settings() {
  ChargerSettings s;
  s.model = "generic";
  s.unit = unit;
  s.max_current = 32;
  s.generic["current_setpoint"] = spec(Function::read_holding, 300, ValueType::u16, 0.1);
  s.generic["enable"] = spec(Function::read_coils, 400, ValueType::u16, 1);
  s.generic["status"] = spec(Function::read_input, 100, ValueType::u16, 1);
  s.generic["current_l1"] = spec(Function::read_input, 114, ValueType::s32, 0.001, WordOrder::low_first);
  s.generic["current_l2"] = spec(Function::read_input, 116, ValueType::s32, 0.001, WordOrder::low_first);
  s.generic["power"] = spec(Function::read_input, 120, ValueType::f32, 1);
  s.generic["energy"] = spec(Function::read_holding, 904, ValueType::u32, 1000, WordOrder::low_first);
  s.generic_status = {{0x41, IecState::A}, {0x42, IecState::B}, {0x43, IecState::C}};
  return s;
}

struct GenericTest : ::testing::Test {
  FakeClient client;
  std::unique_ptr<Charger> charger = make_charger(generic_settings()).charger;
  void fill() {
    client.input(unit, 100, {0x43});
    client.input(unit, 114, {0x3E80, 0x0000});  // 16000 mA, low word first
    client.input(unit, 116, {0xFC18, 0xFFFF});  // -1000 mA
    client.input(unit, 120, {0x462C, 0x4400});  // 11025.0 f32
    client.holding(unit, 904, {0x3039, 0x0000});  // 12345 kWh
  }
  void poll(PollLevel level = PollLevel::slow) { execute_all(client, *charger, charger->poll(level)); }
};

TEST_F(GenericTest, PollsTheConfiguredRegisters) {
  ASSERT_TRUE(charger);
  std::vector<std::uint16_t> addresses;
  for (const auto& r : charger->poll(PollLevel::slow)) addresses.push_back(r.address);
  EXPECT_THAT(addresses, ElementsAre(100, 114, 116, 120, 904));
  auto fast = charger->poll(PollLevel::fast);
  ASSERT_EQ(fast.size(), 4u);
  EXPECT_EQ(fast[1].function, Function::read_input);
  EXPECT_EQ(fast[1].count, 2);
}

TEST_F(GenericTest, DecodesWithTypeWordOrderAndScale) {
  fill();
  poll();
  const auto& s = charger->state();
  EXPECT_DOUBLE_EQ(*s.current[0], 16.0);
  EXPECT_DOUBLE_EQ(*s.current[1], -1.0);
  EXPECT_FALSE(s.current[2]);  // not in the table: unknown, not zero
  EXPECT_DOUBLE_EQ(*s.power, 11025.0);
  EXPECT_DOUBLE_EQ(*s.lifetime_energy, 12345000.0);
  EXPECT_EQ(s.iec, IecState::C);
  EXPECT_EQ(s.charging, true);
  client.input(unit, 100, {0x58});  // not in the status map
  poll(PollLevel::fast);
  EXPECT_EQ(s.iec, IecState::unknown);
  EXPECT_EQ(s.vendor_state, "status 88");
  EXPECT_FALSE(s.charging);
}

TEST_F(GenericTest, FailuresMakeOnlyTheirValueStale) {
  fill();
  poll();
  client.input(unit, 120, {0x7FC0, 0x0000});  // NaN
  poll(PollLevel::fast);
  EXPECT_FALSE(charger->state().power);
  EXPECT_TRUE(charger->state().current[0]);
  client.silent = true;
  poll(PollLevel::fast);
  EXPECT_FALSE(charger->state().current[0]);
  EXPECT_TRUE(charger->state().lifetime_energy);
}

TEST_F(GenericTest, CommandsEncodeIntoTheConfiguredRegisters) {
  auto c = charger->set_current(13.37);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.requests[0].function, Function::write_single);
  EXPECT_EQ(c.requests[0].address, 300);
  EXPECT_THAT(c.requests[0].values, ElementsAre(133));  // 0.1 A steps, rounded down
  auto on = charger->start();
  ASSERT_TRUE(on.ok());
  EXPECT_EQ(on.requests[0].function, Function::write_single_coil);
  EXPECT_EQ(on.requests[0].address, 400);
  EXPECT_THAT(on.requests[0].values, ElementsAre(1));
  EXPECT_THAT(charger->stop().requests[0].values, ElementsAre(0));
  EXPECT_FALSE(charger->set_current(33).ok());
  EXPECT_FALSE(charger->set_phases(1).ok());
  EXPECT_FALSE(charger->program_watchdog(30, 6).ok());
  EXPECT_TRUE(charger->capabilities().can_pause);
}

TEST(GenericTable, ThirtyTwoBitSetpointUsesWriteMultiple) {
  auto s = generic_settings();
  s.generic["current_setpoint"] = spec(Function::read_holding, 1210, ValueType::f32, 1);
  auto c = make_charger(s).charger->set_current(10.5);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.requests[0].function, Function::write_multiple);
  EXPECT_THAT(c.requests[0].values, ElementsAre(0x4128, 0x0000));
}

TEST(GenericTable, RejectsUnusableTables) {
  auto s = generic_settings();
  s.generic.erase("current_setpoint");
  EXPECT_THAT(make_charger(s).error, HasSubstr("current_setpoint is required"));
  s = generic_settings();
  s.generic["current_setpoint"].function = Function::read_input;
  EXPECT_THAT(make_charger(s).error, HasSubstr("holding register"));
  s = generic_settings();
  s.generic["voltage_l1"] = spec(Function::read_input, 1, ValueType::u16, 1);
  EXPECT_THAT(make_charger(s).error, HasSubstr("unknown key 'voltage_l1'"));
  s = generic_settings();
  s.generic.erase("enable");
  EXPECT_THAT(make_charger(s).error, HasSubstr("no way to pause"));
  s = generic_settings();
  s.generic["watchdog_timeout"] = spec(Function::read_holding, 500, ValueType::u16, 1);
  EXPECT_THAT(make_charger(s).error, HasSubstr("both watchdog_timeout and failsafe_current"));
}

TEST(GenericTable, WithoutEnableASetpointThatTakesZeroPauses) {
  auto s = generic_settings();
  s.generic.erase("enable");
  s.generic_zero_pauses = true;
  auto made = make_charger(s);
  ASSERT_TRUE(made.charger) << made.error;
  auto& c = *made.charger;
  EXPECT_TRUE(c.capabilities().can_pause);
  EXPECT_FALSE(c.start().ok()) << "nothing to resume at yet";
  ASSERT_TRUE(c.set_current(10).ok());
  auto pause = c.stop();
  ASSERT_TRUE(pause.ok()) << pause.error;
  EXPECT_EQ(pause.requests[0].address, 300);
  EXPECT_THAT(pause.requests[0].values, ElementsAre(0));
  ASSERT_TRUE(c.set_current(12).ok());
  auto resume = c.start();
  ASSERT_TRUE(resume.ok()) << resume.error;
  EXPECT_EQ(resume.requests[0].address, 300);
  EXPECT_THAT(resume.requests[0].values, ElementsAre(120));
}

TEST(GenericTable, AWatchdogOnlyWhenItsRegistersAreGiven) {
  auto plain = make_charger(generic_settings()).charger;
  EXPECT_FALSE(plain->capabilities().has_watchdog);
  EXPECT_FALSE(plain->capabilities().watchdog_programmable);
  EXPECT_FALSE(plain->keep_alive().ok());
  auto s = generic_settings();
  s.generic["watchdog_timeout"] = spec(Function::read_holding, 500, ValueType::u16, 1);
  s.generic["failsafe_current"] = spec(Function::read_holding, 501, ValueType::u16, 0.1);
  auto made = make_charger(s);
  ASSERT_TRUE(made.charger) << made.error;
  auto& c = *made.charger;
  EXPECT_TRUE(c.capabilities().has_watchdog);
  EXPECT_TRUE(c.capabilities().watchdog_programmable);
  auto w = c.program_watchdog(20, 6);
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_EQ(w.requests.size(), 2u);
  EXPECT_EQ(w.requests[0].address, 501);  // the fallback first, then the timeout that arms it
  EXPECT_THAT(w.requests[0].values, ElementsAre(60));
  EXPECT_EQ(w.requests[1].address, 500);
  EXPECT_THAT(w.requests[1].values, ElementsAre(20));
  auto k = c.keep_alive();
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.requests[0].address, 500);
  EXPECT_FALSE(c.program_watchdog(20, 40).ok());
}

TEST(MakeCharger, KnowsEveryModelAndRefusesOthers) {
  for (const char* m : {"teltocharge", "keba_p30", "vestel_evc04", "smartevse"}) {
    ChargerSettings s;
    s.model = m;
    auto r = make_charger(s);
    ASSERT_TRUE(r.charger) << m << ": " << r.error;
    EXPECT_EQ(r.charger->model(), m);
  }
  ChargerSettings s;
  s.model = "alfen";
  EXPECT_THAT(make_charger(s).error, HasSubstr("unknown charger model 'alfen'"));
  s.model = "teltocharge";
  s.min_current = 20;
  s.max_current = 16;
  EXPECT_THAT(make_charger(s).error, HasSubstr("min <= max"));
  s.min_current = 6;
  s.failsafe_current = 40;
  EXPECT_FALSE(make_charger(s).charger);
}

}  // namespace
}  // namespace ampgate::drivers
