// The electrical model routes charger currents through the phase map, sums circuits up to
// the mains, and shows solar as export.
#include <gtest/gtest.h>

#include "gateway/sim/electrical.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

using test::small_site;

Ev car(const std::string& charger, int phases = 3, double max = 32, double kwh = 100) {
  Ev e;
  e.charger = charger;
  e.phases = phases;
  e.max_current = max;
  e.energy_wanted = kwh;
  return e;
}

TEST(Electrical, ChargerCurrentLandsOnSitePhasesThroughThePhaseMap) {
  const auto site = small_site();
  Scenario sc;
  sc.car_lag = 0;  // cars follow at once: these cases are about where the current goes
  sc.car_ramp = 0;
  sc.evs = {car("b", 1)};  // 1-phase car on a charger whose L1 is site L2
  ElectricalModel m(site, sc);
  m.step(1, 1, {{"b", {10, 3}}});
  EXPECT_EQ(m.charger("b").amps, (std::array<double, 3>{10, 0, 0}));
  EXPECT_EQ(*m.circuit_current("garage"), (PhaseAmps{0, 10, 0}));
  EXPECT_EQ(*m.circuit_current("mains"), (PhaseAmps{0, 10, 0}));
}

TEST(Electrical, CurrentIsTheSmallerOfLimitAndCarAndNothingBelowSixAmps) {
  const auto site = small_site();
  Scenario sc;
  sc.car_lag = 0;  // cars follow at once: these cases are about where the current goes
  sc.car_ramp = 0;
  sc.evs = {car("a", 3, 13)};
  ElectricalModel m(site, sc);
  m.step(1, 1, {{"a", {16, 3}}});
  EXPECT_DOUBLE_EQ(m.charger("a").amps[2], 13);
  m.step(2, 1, {{"a", {5, 3}}});
  EXPECT_FALSE(m.charger("a").charging);
  EXPECT_DOUBLE_EQ(m.charger("a").amps[0], 0);
}

TEST(Electrical, MetersSeeHouseholdChargersAndSolarAsExport) {
  const auto site = small_site();
  Scenario sc;
  sc.car_lag = 0;  // cars follow at once: these cases are about where the current goes
  sc.car_ramp = 0;
  sc.household.points = {{0, {3, 2, 1}}};
  sc.solar.points = {{0, {10, 10, 10}}};
  sc.evs = {car("a"), car("keba")};
  ElectricalModel m(site, sc);
  m.step(1, 1, {{"a", {6, 3}}, {"keba", {8, 3}}});
  // garage meter: charger a only; mains: a + keba + household - solar
  EXPECT_EQ(m.meter("garage_meter").amps, (std::array<double, 3>{6, 6, 6}));
  EXPECT_EQ(m.meter("grid").amps, (std::array<double, 3>{7, 6, 5}));
  m.step(2, 1, {{"a", {0, 3}}, {"keba", {0, 3}}});
  const auto grid = m.meter("grid");
  EXPECT_EQ(grid.amps, (std::array<double, 3>{-7, -8, -9}));  // exporting
  EXPECT_LT(grid.power_w[0], 0);
  EXPECT_GT(grid.export_kwh[0], 0);
}

TEST(Electrical, InvertedMeterFlipsTheSign) {
  auto site = small_site();
  site.meters[0].inverted = true;
  Scenario sc;
  sc.car_lag = 0;  // cars follow at once: these cases are about where the current goes
  sc.car_ramp = 0;
  sc.household.points = {{0, {5, 5, 5}}};
  ElectricalModel m(site, sc);
  m.step(1, 1, {});
  EXPECT_DOUBLE_EQ(m.meter("grid").amps[0], -5);
}

TEST(Electrical, CarStopsWhenItHasTheEnergyItWantedAndLeavesAtPlugOut) {
  const auto site = small_site();
  Scenario sc;
  sc.car_lag = 0;  // cars follow at once: these cases are about where the current goes
  sc.car_ramp = 0;
  sc.evs = {car("a", 1, 16, 230.0 * 10 * 3600 / 3.6e6 * 2)};  // two hours at 10 A, 1 phase
  sc.evs[0].plug_out = 4 * 3600;
  ElectricalModel m(site, sc);
  double t = 0;
  while (t < 2 * 3600 - 1) m.step(t += 1, 1, {{"a", {10, 3}}});
  EXPECT_TRUE(m.charger("a").charging);
  for (int i = 0; i < 5; ++i) m.step(t += 1, 1, {{"a", {10, 3}}});
  EXPECT_FALSE(m.charger("a").charging);
  EXPECT_TRUE(m.charger("a").finished);
  EXPECT_NEAR(m.charger("a").session_kwh, 4.6, 0.01);
  m.step(4 * 3600 + 1, 1, {{"a", {10, 3}}});
  EXPECT_FALSE(m.charger("a").plugged);
}

TEST(Profile, LinearAndStep) {
  Profile p;
  p.points = {{0, {0, 0, 0}}, {100, {10, 20, 30}}};
  EXPECT_DOUBLE_EQ(p.at(50)[1], 10);
  EXPECT_DOUBLE_EQ(p.at(500)[2], 30);
  p.interpolation = Interpolation::step;
  EXPECT_DOUBLE_EQ(p.at(99)[1], 0);
  EXPECT_DOUBLE_EQ(p.at(100)[1], 20);
}

}  // namespace
}  // namespace ampgate::sim
