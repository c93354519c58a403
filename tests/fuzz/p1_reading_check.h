#pragma once
// What a P1 reading must hold whatever the telegram or JSON said: each value present is a
// finite number (issue 18 found `nan`/`inf` accepted; drivers/p1/plausible.* now rejects
// such a telegram, and regressions/p1_telegram/ keeps the inputs).
#include <cmath>

#include "drivers/meter.h"
#include "tests/fuzz/fuzz_bytes.h"

namespace ampgate::fuzz {

inline void check_reading(const drivers::MeterReading& r) {
  auto finite = [](const std::optional<drivers::Sample>& s) { return !s || std::isfinite(s->value); };
  for (int i = 0; i < 3; ++i) {
    FUZZ_CHECK(finite(r.current[i]));
    FUZZ_CHECK(finite(r.voltage[i]));
    FUZZ_CHECK(finite(r.power[i]));
  }
  FUZZ_CHECK(finite(r.power_total));
  FUZZ_CHECK(finite(r.import_energy));
  FUZZ_CHECK(finite(r.export_energy));
}

}  // namespace ampgate::fuzz
