#pragma once
// A simulator serving one charger under test (plus the small site's other devices), with
// libmodbus clients on its pty and its TCP ports. Cars follow at once here: these tests
// are about the charger's registers, not the car's lag (tests/sim/world_test.cpp has that).
#include <gtest/gtest.h>

#include <memory>

#include "gateway/sim/device.h"
#include "gateway/sim/simulator.h"
#include "tests/sim/modbus_client.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim::test {

class ModelTest : public ::testing::Test {
 protected:
  // Starts the small site (plus a SmartEVSE "evse" at unit 13 on the RS485 bus) with
  // `settings` for charger `id` and one car at `id` from `plug_in` seconds.
  void start(const std::string& id, ModelSettings settings = {}, double plug_in = 1e9, Scenario sc = {}) {
    auto site = small_site();
    config::Charger e = *site.find_charger("a");
    e.id = "evse";
    e.unit = 13;
    e.model = "smartevse";
    site.chargers.push_back(e);
    sc.car_lag = 0;
    sc.car_ramp = 0;
    if (!settings.empty()) sc.settings[id] = std::move(settings);
    if (plug_in < 1e9) {
      Ev ev;
      ev.charger = id;
      ev.plug_in = plug_in;
      ev.max_current = 32;
      sc.evs.push_back(ev);
    }
    Options o;
    o.tcp_ephemeral = true;
    sim = std::make_unique<Simulator>(site, std::move(sc), o);
    sim->start();
  }
  void TearDown() override {
    if (sim) sim->stop();
  }
  ChargerView view(const std::string& id) const { return *sim->charger(id); }
  Ctx rtu() const { return rtu_client(sim->rtu_path("rs485")); }
  Ctx keba() const { return tcp_client(sim->tcp_port("lan")); }
  Ctx vestel() const { return tcp_client(sim->tcp_port("lan2")); }

  std::unique_ptr<Simulator> sim;
  std::vector<std::uint16_t> regs;
};

}  // namespace ampgate::sim::test
