#include "gateway/sim/fuse_log.h"

#include <cmath>
#include <cstdio>

namespace ampgate::sim {

const CircuitRecord* FuseLog::find(const std::string& circuit) const {
  for (const auto& c : circuits)
    if (c.circuit == circuit) return &c;
  return nullptr;
}

void FuseLog::record(const std::vector<std::array<double, 3>>& currents, double dt) {
  duration += dt;
  for (std::size_t i = 0; i < circuits.size() && i < currents.size(); ++i) {
    auto& c = circuits[i];
    for (std::size_t p = 0; p < 3; ++p) {
      // A fuse carries current both ways: exporting 30 A stresses it as much as importing.
      const double amps = std::fabs(currents[i][p]);
      c.peak[p] = std::max(c.peak[p], amps);
      if (amps > c.limit + 1e-9) c.seconds_over[p] += dt;
    }
  }
}

bool FuseLog::exceeded() const {
  for (const auto& c : circuits)
    for (double s : c.seconds_over)
      if (s > 0) return true;
  return false;
}

std::string FuseLog::text() const {
  std::string out;
  char line[200];
  std::snprintf(line, sizeof line, "fuse log over %.0f simulated seconds\n", duration);
  out += line;
  std::snprintf(line, sizeof line, "%-16s %7s %8s %8s %8s %9s %9s %9s\n", "circuit", "limit", "peak L1", "peak L2",
                "peak L3", "over L1", "over L2", "over L3");
  out += line;
  for (const auto& c : circuits) {
    std::snprintf(line, sizeof line, "%-16s %6.1fA %7.1fA %7.1fA %7.1fA %8.1fs %8.1fs %8.1fs\n", c.circuit.c_str(),
                  c.limit, c.peak[0], c.peak[1], c.peak[2], c.seconds_over[0], c.seconds_over[1], c.seconds_over[2]);
    out += line;
  }
  out += exceeded() ? "LIMIT EXCEEDED\n" : "no limit exceeded\n";
  return out;
}

nlohmann::json to_json(const FuseLog& log) {
  nlohmann::json circuits = nlohmann::json::array();
  for (const auto& c : log.circuits) {
    nlohmann::json phases = nlohmann::json::object();
    const char* names[3] = {"L1", "L2", "L3"};
    for (std::size_t p = 0; p < 3; ++p)
      phases[names[p]] = {{"peak", c.peak[p]}, {"seconds_over", c.seconds_over[p]}};
    circuits.push_back({{"circuit", c.circuit}, {"limit", c.limit}, {"phases", phases}});
  }
  return {{"duration", log.duration}, {"exceeded", log.exceeded()}, {"circuits", circuits}};
}

}  // namespace ampgate::sim
