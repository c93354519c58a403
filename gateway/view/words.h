#pragma once
// The site file's words that the daemon's published view also speaks (modes, meter roles,
// the mains' id), standard library only, so that the API and a future MQTT room can read a
// view without including the config model. gateway/config.h includes this header: the words
// are defined once.
#include <cstdint>

namespace ampgate::config {

enum class Mode : std::uint8_t { off, fast, eco, eco_plus, solar };
enum class MeterRole : std::uint8_t { mains, circuit, ev, solar };

const char* to_string(Mode m);       // "eco_plus"
const char* to_string(MeterRole r);  // "mains"

// The root of the circuit tree is always the mains, with this id.
inline constexpr const char* mains_circuit_id = "mains";

struct ModeSettings {
  double eco_grid_current = 6.0;      // eco: taken from the grid at least, surplus on top
  double eco_plus_start_surplus = 6.0;  // eco_plus: surplus needed before a session starts
};

}  // namespace ampgate::config
