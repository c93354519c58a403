#pragma once
// Words shared by the allocation core. They mirror gateway/config.h (Mode, Sharing,
// PhaseMode, Phase) without depending on it: policies/ needs nothing but the standard
// library, so the gateway maps its model onto these types (see docs/policies.md).
#include <array>
#include <cstdint>

namespace ampgate::policies {

// Time is passed in, never read: seconds on a monotonic clock with any fixed origin
// (the gateway passes steady_clock seconds; tests pass plain numbers).
using Seconds = double;

// The root of the circuit tree.
inline constexpr const char* mains_id = "mains";

enum class Phase : std::uint8_t { L1 = 0, L2 = 1, L3 = 2 };
enum class Mode : std::uint8_t { off, fast, eco, eco_plus, solar };
enum class Sharing : std::uint8_t { equal, priority };
enum class PhaseMode : std::uint8_t { one, three, mixed };

// One value per site phase, indexed by Phase.
using PerPhase = std::array<double, 3>;

inline constexpr int phase_index(Phase p) { return static_cast<int>(p); }

const char* to_string(Phase p);      // "L1"
const char* to_string(Mode m);       // "eco_plus"
const char* to_string(Sharing s);    // "equal"
const char* to_string(PhaseMode m);  // "1", "3", "mixed"

// What the gateway commands a charger: whole amps per phase, on 1 or 3 phases, run or pause.
struct Setpoint {
  int amps = 0;
  int phases = 3;
  bool run = false;
  friend bool operator==(const Setpoint&, const Setpoint&) = default;
};

// A setpoint and the time from which it was in force.
struct TimedSetpoint {
  double from = 0;  // Seconds
  Setpoint setpoint;
};

}  // namespace ampgate::policies
