// The meters against the site simulator over real libmodbus framing on the simulator's
// ptys: the SDM630 (FC4 floats) and the Smart-stuff P1 dongle (FC3 u32, directions split)
// give the simulated currents in SI with the right signs, a silent meter goes stale (never
// zero), and the scan signatures recognise both devices.
#include <gtest/gtest.h>

#include "drivers/meters/register_meter.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/sim/simulator.h"

namespace ampgate::drivers {
namespace {

using namespace std::chrono_literals;

constexpr double silent_from = 1000, silent_to = 2000;

config::Site make_site() {
  config::Site site;
  site.site.name = "meters test";
  site.site.mains_meter = "grid";
  config::RtuLink rtu;
  rtu.port = "/dev/null";  // the simulator makes the pty
  rtu.baud = 9600;
  site.buses.push_back({"rs485", rtu, {}});
  config::RtuLink p1;
  p1.port = "/dev/null";
  p1.baud = 38400;
  p1.parity = config::Parity::even;
  site.buses.push_back({"p1", p1, {}});
  config::Meter grid;
  grid.id = "grid";
  grid.bus = "rs485";
  grid.unit = 1;
  grid.model = "sdm630";
  site.meters.push_back(grid);
  config::Meter dongle;
  dongle.id = "dongle";
  dongle.bus = "p1";
  dongle.unit = 43;
  dongle.model = "p1_dongle";
  site.meters.push_back(dongle);
  return site;
}

sim::Scenario make_scenario() {
  sim::Scenario s;
  // Steady load on L1 and L2, solar larger than the load on L3: L3 exports.
  s.household.points = {{0.0, {12.0, 5.0, 2.0}}};
  s.solar.points = {{0.0, {0.0, 0.0, 9.0}}};
  s.faults.push_back({"grid", sim::FaultKind::silent, silent_from, silent_to});
  s.faults.push_back({"dongle", sim::FaultKind::silent, silent_from, silent_to});
  return s;
}

class SimMeters : public ::testing::Test {
 protected:
  SimMeters() : site(make_site()), simulator(site, make_scenario(), sim::Options{true, {}}) {
    simulator.start();
    auto rtu = std::get<config::RtuLink>(site.buses[0].link);
    rtu.port = simulator.rtu_path("rs485");
    rtu.response_timeout = 0.2;
    eastron_link = std::make_unique<gateway::ModbusLink>(rtu, gateway::ReconnectPolicy{50ms, 200ms});
    auto p1 = std::get<config::RtuLink>(site.buses[1].link);
    p1.port = simulator.rtu_path("p1");
    p1.response_timeout = 0.2;
    dongle_link = std::make_unique<gateway::ModbusLink>(p1, gateway::ReconnectPolicy{50ms, 200ms});
  }
  ~SimMeters() override { simulator.stop(); }

  void poll(modbus::Client& link, Meter& meter, Clock::time_point now) {
    for (const auto& r : meter.poll(PollLevel::slow)) meter.on_reply(r, link.execute(r), now);
  }

  void expect_matches_simulator(const MeterReading& r, const char* what) {
    const auto amps = simulator.circuit_current("mains");
    ASSERT_TRUE(amps.has_value());
    for (int p = 0; p < 3; ++p) {
      ASSERT_TRUE(r.current[p].has_value()) << what << " L" << p + 1;
      // The P1 dongle reports whole watts and mA; the simulated load is steady.
      EXPECT_NEAR(r.current[p]->value, (*amps)[p], 0.05) << what << " L" << p + 1;
      ASSERT_TRUE(r.voltage[p].has_value());
      EXPECT_GT(r.voltage[p]->value, 200.0);
      EXPECT_LT(r.voltage[p]->value, 260.0);
      ASSERT_TRUE(r.power[p].has_value());
      EXPECT_EQ(r.power[p]->value < 0, (*amps)[p] < 0) << what << " power sign L" << p + 1;
    }
    ASSERT_TRUE(r.power_total.has_value());
    ASSERT_TRUE(r.import_energy.has_value());
    ASSERT_TRUE(r.export_energy.has_value());
  }

  config::Site site;
  sim::Simulator simulator;
  std::unique_ptr<gateway::ModbusLink> eastron_link, dongle_link;
};

TEST_F(SimMeters, Sdm630AndP1DongleGiveTheSimulatedCurrentsWithSigns) {
  RegisterMeter eastron(*find_meter_model("sdm630"), 1, false);
  RegisterMeter dongle(*find_meter_model("p1_dongle"), 43, false);
  const auto now = Clock::now();
  poll(*eastron_link, eastron, now);
  poll(*dongle_link, dongle, now);
  EXPECT_EQ(eastron.stats().failed_replies, 0u) << eastron.stats().last_error;
  EXPECT_EQ(dongle.stats().failed_replies, 0u) << dongle.stats().last_error;
  const auto amps = simulator.circuit_current("mains");
  ASSERT_TRUE(amps.has_value());
  ASSERT_LT((*amps)[2], 0.0) << "scenario: L3 exports";
  expect_matches_simulator(eastron.reading(), "sdm630");
  expect_matches_simulator(dongle.reading(), "p1_dongle");
}

TEST_F(SimMeters, InvertedEastronFlipsTheSimulatedCurrents) {
  RegisterMeter eastron(*find_meter_model("sdm630"), 1, true);
  poll(*eastron_link, eastron, Clock::now());
  const auto amps = simulator.circuit_current("mains");
  ASSERT_TRUE(amps.has_value());
  for (int p = 0; p < 3; ++p) {
    ASSERT_TRUE(eastron.reading().current[p].has_value());
    EXPECT_NEAR(eastron.reading().current[p]->value, -(*amps)[p], 0.05);
  }
}

TEST_F(SimMeters, SilentMetersGoStaleNotZero) {
  RegisterMeter eastron(*find_meter_model("sdm630"), 1, false);
  RegisterMeter dongle(*find_meter_model("p1_dongle"), 43, false);
  const auto t0 = Clock::now();
  poll(*eastron_link, eastron, t0);
  poll(*dongle_link, dongle, t0);
  const double l1 = eastron.reading().current[0]->value;
  ASSERT_GT(l1, 1.0);

  simulator.advance(silent_from + 1 - simulator.now());
  const auto t1 = t0 + 10s;
  poll(*eastron_link, eastron, t1);
  poll(*dongle_link, dongle, t1);
  for (const Meter* m : {static_cast<const Meter*>(&eastron), static_cast<const Meter*>(&dongle)}) {
    const auto r = m->reading();
    EXPECT_GT(m->stats().failed_replies, 0u) << m->model();
    ASSERT_TRUE(r.current[0].has_value()) << m->model();
    EXPECT_NE(r.current[0]->value, 0.0) << m->model() << ": a silent meter must not read as 0 A";
    EXPECT_EQ(r.current[0]->at, t0) << m->model();
    EXPECT_FALSE(r.fresh(t1, 5s)) << m->model();
    EXPECT_FALSE(r.without_stale(t1, 5s).current[0].has_value()) << m->model();
  }

  simulator.advance(silent_to + 1 - simulator.now());
  const auto t2 = t1 + 10s;
  // The link may need a moment to reopen after the timeouts: a few bounded rounds.
  for (int i = 0; i < 20 && !eastron.reading().fresh(t2, 5s); ++i) poll(*eastron_link, eastron, t2);
  EXPECT_TRUE(eastron.reading().fresh(t2, 5s)) << eastron.stats().last_error;
}

TEST_F(SimMeters, SignaturesRecogniseTheSimulatedDevices) {
  for (const auto& [link, unit, model] :
       {std::tuple{eastron_link.get(), std::uint8_t{1}, "sdm630"}, std::tuple{dongle_link.get(), std::uint8_t{43}, "p1_dongle"}}) {
    auto req = find_meter_model(model)->signature->request;
    req.unit = unit;
    const auto reply = link->execute(req);
    ASSERT_TRUE(reply.ok()) << model << ": " << reply.message;
    EXPECT_TRUE(find_meter_model(model)->signature->matches(reply.registers)) << model;
  }
  // The dongle is not mistaken for an Eastron, nor the Eastron for a dongle.
  auto e = find_meter_model("sdm630")->signature->request;
  e.unit = 43;
  const auto r1 = dongle_link->execute(e);
  EXPECT_FALSE(r1.ok() && find_meter_model("sdm630")->signature->matches(r1.registers));
  auto d = find_meter_model("p1_dongle")->signature->request;
  d.unit = 1;
  const auto r2 = eastron_link->execute(d);
  EXPECT_FALSE(r2.ok() && find_meter_model("p1_dongle")->signature->matches(r2.registers));
}

}  // namespace
}  // namespace ampgate::drivers
