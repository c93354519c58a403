#include "drivers/p1/plausible.h"

#include <cmath>

namespace ampgate::drivers::p1 {

namespace {

// The DSMR value formats bound these: currents are at most 3 digits of amperes, powers
// 2.3 digits of kW, energies 6.3 digits of kWh. The bounds are a little wider so that no
// real meter's value is refused, and far below anything a float would misrepresent.
constexpr double max_current_a = 1000.0;
constexpr double max_voltage_v = 1000.0;
constexpr double max_power_w = 1.0e6;
constexpr double max_energy_wh = 1.0e12;

}  // namespace

bool plausible(Quantity q, double v) {
  if (!std::isfinite(v)) return false;
  using Q = Quantity;
  switch (q) {
    case Q::current_l1: case Q::current_l2: case Q::current_l3:
      return std::abs(v) <= max_current_a;
    case Q::voltage_l1: case Q::voltage_l2: case Q::voltage_l3:
      return v >= 0 && v <= max_voltage_v;
    case Q::power_l1: case Q::power_l2: case Q::power_l3: case Q::power_total:
      return std::abs(v) <= max_power_w;
    case Q::power_import_l1: case Q::power_import_l2: case Q::power_import_l3:
    case Q::power_export_l1: case Q::power_export_l2: case Q::power_export_l3:
    case Q::power_import_total: case Q::power_export_total:
      return v >= 0 && v <= max_power_w;
    case Q::import_energy: case Q::export_energy:
    case Q::import_energy_t1: case Q::import_energy_t2:
    case Q::export_energy_t1: case Q::export_energy_t2:
      return v >= 0 && v <= max_energy_wh;
  }
  return false;
}

}  // namespace ampgate::drivers::p1
