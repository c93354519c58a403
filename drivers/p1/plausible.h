#pragma once
// What a P1 meter (raw telegram or HomeWizard) can physically report. A value outside these
// bounds is not a reading but a damaged or misparsed one (nan, inf, a shifted decimal point),
// and the whole telegram or answer carrying it is rejected: a wrong current must never reach
// the allocator, and half a telegram is no safer than none.
#include "drivers/meters/quantity.h"

namespace ampgate::drivers::p1 {

// True when `value` (SI: A, V, W, Wh) is finite and possible for quantity `q`. Currents and
// signed powers may be negative (export); split import/export powers and energies may not.
bool plausible(Quantity q, double value);

}  // namespace ampgate::drivers::p1
