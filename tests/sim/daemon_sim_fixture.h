#pragma once
// The daemon (`ampgate run`) against `ampgate simulate` for one charger `bay` in one of its
// model's readings: the fixture of the session and phase-switch tests. Each test writes its
// own scenario (household profile, the car) with the reading's `settings`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>

#include "tests/daemon/harness.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {

struct Reading {
  const char* name;      // test name suffix
  const char* site;      // tests/sim/daemon_sites/<site>.yaml
  const char* settings;  // scenario `settings` for the charger, YAML flow map
};

// Test names in ctest show the reading, not the bytes of the struct.
inline void PrintTo(const Reading& r, std::ostream* os) { *os << r.name; }

// The scenario both tests use: household at 4 A per phase, `squeezed` (a YAML flow map of
// L1..L3) from `squeeze_at`, back at 4 A from `release_at`; a 16 A car plugs in at `plug_in`.
inline std::string step_scenario(const Reading& r, double plug_in, double squeeze_at, const std::string& squeezed,
                                 double release_at) {
  return std::string("# written by the daemon_sim_fixture tests\n") +
         "household:\n  interpolation: step\n  profile:\n"
         "    - {time: 0, L1: 4, L2: 4, L3: 4}\n"
         "    - {time: " + std::to_string(squeeze_at) + ", " + squeezed + "}\n"
         "    - {time: " + std::to_string(release_at) + ", L1: 4, L2: 4, L3: 4}\n"
         "evs:\n  - {charger: bay, plug_in: " + std::to_string(plug_in) + ", max_current: 16}\n"
         "settings:\n  bay: " + r.settings + "\n";
}

class DaemonAgainstSim : public ::testing::TestWithParam<Reading> {
 protected:
  virtual std::string scenario(const Reading& r) const = 0;
  void SetUp() override {
    std::ofstream(dir.path() / "scenario.yaml") << scenario(GetParam());
    const auto site = std::filesystem::path(AMPGATE_SOURCE_DIR) / "tests" / "sim" / "daemon_sites" /
                      (std::string(GetParam().site) + ".yaml");
    sim = std::make_unique<SimProcess>(dir.path(), site.string(), (dir.path() / "scenario.yaml").string());
    gateway = std::make_unique<GatewayProcess>(dir.path(), sim->site_for_gateway(), dir.path() / "ampgate.db");
  }
  void TearDown() override {
    if (HasFailure()) {
      auto tail = [](const std::string& s) { return s.size() > 6000 ? s.substr(s.size() - 6000) : s; };
      std::cerr << "--- gateway log (tail) ---\n" << tail(gateway->log()) << "\n--- simulator ---\n"
                << tail(sim->child().out() + sim->child().err()) << "\n";
    }
    gateway.reset();  // stopped by PID
    sim.reset();
  }
  nlohmann::json bay() const { return sim->state()["chargers"]["bay"]; }

  TempDir dir{"ampgate-daemon-sim"};
  std::unique_ptr<SimProcess> sim;
  std::unique_ptr<GatewayProcess> gateway;
};

}  // namespace ampgate::test
