#pragma once
// The fuse log: the simulator's view of what the fuses went through, so tests can judge
// the gateway from outside. Per circuit (the mains included) and per phase: the highest
// current seen and how long the limit was exceeded.
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ampgate::sim {

struct CircuitRecord {
  std::string circuit;                   // "mains" or the circuit id
  double limit = 0.0;                    // per phase, amperes
  std::array<double, 3> peak{0, 0, 0};   // highest |current| per phase
  std::array<double, 3> seconds_over{0, 0, 0};  // simulated seconds above the limit
};

struct FuseLog {
  double duration = 0.0;  // simulated seconds recorded
  std::vector<CircuitRecord> circuits;  // mains first

  const CircuitRecord* find(const std::string& circuit) const;
  // Feeds one model step: `currents` per circuit in the same order as `circuits`.
  void record(const std::vector<std::array<double, 3>>& currents, double dt);
  bool exceeded() const;   // any limit exceeded at all
  std::string text() const;  // table printed at exit
};

nlohmann::json to_json(const FuseLog& log);

}  // namespace ampgate::sim
