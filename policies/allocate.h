#pragma once
// The allocation core: site snapshot + memory + now -> setpoints and reasons.
#include "policies/allocation.h"
#include "policies/memory.h"
#include "policies/snapshot.h"

namespace ampgate::policies {

// Decides every charger's setpoint so that no limit in the tree is exceeded, and updates
// `memory` (timers, phase choices). Pure: same inputs, same outputs; no I/O, no clock.
Allocation allocate(const SiteSnapshot& site, PolicyMemory& memory, Seconds now);

}  // namespace ampgate::policies
