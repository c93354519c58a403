#pragma once
// Generated sites and event sequences, from a seed. A generated site is one a careful
// installer could have written and a fixed `ampgate check` would accept: failsafe currents
// that fit every fuse, chargers that can pause, a non-negative margin, no meter fallback, and
// household loads only where some meter sees them (a load no meter sees is beyond any
// gateway). The world is hostile within that: see the event kinds in scenario.h.
#include <cstdint>

#include "tests/site_model/scenario.h"

namespace ampgate::site_model {

struct GeneratorOptions {
  double min_seconds = 10;   // the length of a sequence
  double max_seconds = 25;
  int max_chargers = 4;
  int max_sub_circuits = 3;
  int max_events = 6;
};

Scenario generate(std::uint64_t seed, const GeneratorOptions& o = {});

}  // namespace ampgate::site_model
