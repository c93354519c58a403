#pragma once
// The quantities a meter register table (or a P1 telegram) can provide, and how the
// MeterReading is derived from them: net power from separate import/export registers,
// energy from tariff registers, the sign of a current from the power of its phase, and
// the `inverted` flip. Shared by RegisterMeter and the P1 parser so both obey the same
// sign rules.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "drivers/meter.h"

namespace ampgate::drivers {

enum class Quantity : std::uint8_t {
  current_l1, current_l2, current_l3,              // A (sign, if any, is ignored: see derive_reading)
  voltage_l1, voltage_l2, voltage_l3,              // V
  power_l1, power_l2, power_l3,                    // W signed, import positive
  power_total,                                     // W signed
  import_energy, export_energy,                    // Wh
  power_import_l1, power_import_l2, power_import_l3,  // W >= 0, meters that split directions (P1)
  power_export_l1, power_export_l2, power_export_l3,
  power_import_total, power_export_total,
  import_energy_t1, import_energy_t2,              // Wh per tariff (P1)
  export_energy_t1, export_energy_t2,
};
inline constexpr std::size_t quantity_count = static_cast<std::size_t>(Quantity::export_energy_t2) + 1;

// "current_l1", ... ; the custom meter table in the site file uses the first twelve.
std::string_view to_string(Quantity q);
std::optional<Quantity> quantity_from_string(std::string_view name);

// Energies and nothing else are telemetry; the rest is what the control loop needs.
inline bool is_energy(Quantity q) {
  return q == Quantity::import_energy || q == Quantity::export_energy || q >= Quantity::import_energy_t1;
}

using Samples = std::array<std::optional<Sample>, quantity_count>;

inline std::optional<Sample>& at(Samples& s, Quantity q) { return s[static_cast<std::size_t>(q)]; }
inline const std::optional<Sample>& at(const Samples& s, Quantity q) { return s[static_cast<std::size_t>(q)]; }

// Builds the reading from raw samples. Rules, in order:
//  - power per phase: the signed register, else import - export of that phase;
//  - total power: the signed register, else import - export, else the sum of the phases;
//  - energy: the total register, else tariff 1 + tariff 2;
//  - current: |I| with the sign of the phase's net power; a phase without a power of its
//    own counts as import (+|I|), never with the sign of the total; when the meter reports
//    no current, P / U of the phase;
//  - inverted: currents and powers negated, import and export energy swapped.
//  - coarse_current (P1 meters report whole amperes): the magnitude is the larger of |I|
//    and |P| / U, so that rounding never makes a phase look less loaded than its power says;
//    P / U alone would under-read reactive loads, |I| alone is up to 1 A short.
// A derived value carries the oldest timestamp of what it was made from.
MeterReading derive_reading(const Samples& samples, bool inverted, bool coarse_current = false);

}  // namespace ampgate::drivers
