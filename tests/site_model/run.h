#pragma once
// Runs one scenario: the world steps, events happen, the gateway harness polls, decides and
// writes, and the judge looks at every write prefix and at the truth after every tick.
#include <optional>
#include <string>

#include "tests/site_model/judge.h"
#include "tests/site_model/scenario.h"

namespace ampgate::site_model {

struct RunResult {
  std::optional<Violation> violation;  // the first one; the run stops there
  int decisions = 0;
};

// `to_the_end`: keep running after the first violation (to time a run as long as a passing
// one would be; the result still holds the first violation).
RunResult run_scenario(const Scenario& s, bool to_the_end = false);

// "prefix violation at t=3.8 s on garage L2: 22 A, allowed 16 A (after stages ...)"
std::string to_string(const Violation& v);

}  // namespace ampgate::site_model
