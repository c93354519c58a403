#pragma once
// Makes a failing scenario smaller while it still fails: drops events, chargers and empty
// circuits one at a time (greedy), so that a generated failure reads like a hand-written case.
#include "tests/site_model/scenario.h"

namespace ampgate::site_model {

Scenario shrink(const Scenario& failing, int max_runs = 400);

}  // namespace ampgate::site_model
