// Issue 14: one device registry (drivers/registry.h) that the loader, the driver factory and
// `ampgate scan` ask. These tests hold the other tables of device facts to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "drivers/charger.h"
#include "drivers/meters/meter_model.h"
#include "drivers/registry.h"

namespace ampgate::drivers {
namespace {

TEST(DeviceRegistry, EveryChargerModelMakesItsOwnDriver) {
  for (const auto& m : device_models(DeviceKind::charger)) {
    if (m.needs_registers) continue;  // generic: its driver needs the site file's table
    ChargerSettings s;
    s.model = std::string(m.name);
    s.unit = static_cast<std::uint8_t>(m.default_unit > 0 ? m.default_unit : 1);
    auto made = make_charger(s);
    ASSERT_TRUE(made.charger) << m.name << ": " << made.error;
    EXPECT_EQ(made.charger->model(), m.name);
    EXPECT_FALSE(capability_summary(m).empty()) << m.name;
  }
}

TEST(DeviceRegistry, TheFactoryNamesTheRegistrysModelsForAnUnknownOne) {
  ChargerSettings s;
  s.model = "tesla_wall";
  auto made = make_charger(s);
  EXPECT_FALSE(made.charger);
  for (auto name : device_model_names(DeviceKind::charger))
    EXPECT_NE(made.error.find(std::string(name)), std::string::npos) << made.error;
}

TEST(DeviceRegistry, EveryModbusMeterHasARegisterTableAndEveryTableIsRegistered) {
  for (const auto& m : device_models(DeviceKind::meter)) {
    if (m.reach != Reach::modbus || m.needs_registers) continue;
    EXPECT_NE(find_meter_model(m.name), nullptr) << m.name << " is in the registry without a register table";
  }
  for (const auto& t : meter_models()) {
    const auto* m = find_device_model(DeviceKind::meter, t.name);
    ASSERT_NE(m, nullptr) << t.name << " has a register table but is not in the registry";
    if (m->default_unit > 0) EXPECT_EQ(m->default_unit, t.default_unit) << t.name;
  }
}

TEST(DeviceRegistry, KnowsTheKindOfAModel) {
  EXPECT_NE(find_device_model(DeviceKind::charger, "keba_p30"), nullptr);
  EXPECT_EQ(find_device_model(DeviceKind::meter, "keba_p30"), nullptr);
  EXPECT_NE(find_device_model(DeviceKind::meter, "sdm630"), nullptr);
  EXPECT_EQ(find_device_model(DeviceKind::charger, "sdm630"), nullptr);
}

}  // namespace
}  // namespace ampgate::drivers
