#pragma once
// What allocation remembers between calls: timers and hysteresis state. The caller keeps
// one PolicyMemory per site and passes it to every allocate(); it starts empty.
#include <optional>
#include <string>
#include <unordered_map>

#include "policies/types.h"

namespace ampgate::policies {

struct ChargerMemory {
  bool surplus_running = false;          // solar / eco_plus: the surplus logic lets it charge
  std::optional<Seconds> short_since;    // running, surplus below its need since
  std::optional<Seconds> surplus_since;  // paused, surplus enough since
  int phases = 0;                        // phase count chosen for a switchable charger; 0 = not yet
  std::optional<Seconds> phases_since;   // last phase switch
};

struct PolicyMemory {
  std::unordered_map<std::string, ChargerMemory> chargers;
  std::optional<Seconds> sum_over_since;  // sum-of-phases limit needing a pause since
};

}  // namespace ampgate::policies
