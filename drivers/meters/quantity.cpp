#include "drivers/meters/quantity.h"

#include <algorithm>
#include <cmath>

namespace ampgate::drivers {

namespace {

constexpr std::array<std::string_view, quantity_count> names{
    "current_l1",       "current_l2",       "current_l3",       "voltage_l1",       "voltage_l2",
    "voltage_l3",       "power_l1",         "power_l2",         "power_l3",         "power_total",
    "import_energy",    "export_energy",    "power_import_l1",  "power_import_l2",  "power_import_l3",
    "power_export_l1",  "power_export_l2",  "power_export_l3",  "power_import_total", "power_export_total",
    "import_energy_t1", "import_energy_t2", "export_energy_t1", "export_energy_t2",
};

std::optional<Sample> combine(const std::optional<Sample>& a, const std::optional<Sample>& b, double sign_b) {
  if (!a || !b) return std::nullopt;
  return Sample{a->value + sign_b * b->value, std::min(a->at, b->at)};
}

Quantity phase_q(Quantity first, int phase) {
  return static_cast<Quantity>(static_cast<int>(first) + phase);
}

}  // namespace

std::string_view to_string(Quantity q) { return names[static_cast<std::size_t>(q)]; }

std::optional<Quantity> quantity_from_string(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Quantity>(i);
  }
  return std::nullopt;
}

MeterReading derive_reading(const Samples& s, bool inverted, bool coarse_current) {
  MeterReading r;
  for (int p = 0; p < 3; ++p) {
    r.voltage[p] = at(s, phase_q(Quantity::voltage_l1, p));
    r.power[p] = at(s, phase_q(Quantity::power_l1, p));
    if (!r.power[p]) {
      r.power[p] = combine(at(s, phase_q(Quantity::power_import_l1, p)), at(s, phase_q(Quantity::power_export_l1, p)), -1);
    }
  }
  r.power_total = at(s, Quantity::power_total);
  if (!r.power_total) r.power_total = combine(at(s, Quantity::power_import_total), at(s, Quantity::power_export_total), -1);
  if (!r.power_total && r.power[0] && r.power[1] && r.power[2]) {
    r.power_total = combine(combine(r.power[0], r.power[1], 1), r.power[2], 1);
  }
  r.import_energy = at(s, Quantity::import_energy);
  if (!r.import_energy) r.import_energy = combine(at(s, Quantity::import_energy_t1), at(s, Quantity::import_energy_t2), 1);
  r.export_energy = at(s, Quantity::export_energy);
  if (!r.export_energy) r.export_energy = combine(at(s, Quantity::export_energy_t1), at(s, Quantity::export_energy_t2), 1);

  std::array<bool, 3> sign_unknown{};
  for (int p = 0; p < 3; ++p) {
    const auto& measured = at(s, phase_q(Quantity::current_l1, p));
    // Meters report the magnitude of the current; its direction is that of the phase's own
    // power. Without one the phase counts as import: the total's sign says nothing about a
    // phase (single-phase PV export makes the total negative while L2 and L3 import), and
    // import is the safe side for a fuse.
    const std::optional<Sample>& direction = r.power[p];
    if (measured) {
      Sample c{std::abs(measured->value), measured->at};
      if (coarse_current && r.power[p] && r.voltage[p] && r.voltage[p]->value > 1.0) {
        c.value = std::max(c.value, std::abs(r.power[p]->value) / r.voltage[p]->value);
        c.at = std::min({c.at, r.power[p]->at, r.voltage[p]->at});
      }
      if (direction) {
        if (direction->value < 0) c.value = -c.value;
        c.at = std::min(c.at, direction->at);
      } else {
        sign_unknown[p] = true;
      }
      r.current[p] = c;
    } else if (r.power[p] && r.voltage[p] && r.voltage[p]->value > 1.0) {
      r.current[p] = Sample{r.power[p]->value / r.voltage[p]->value, std::min(r.power[p]->at, r.voltage[p]->at)};
    }
  }

  if (inverted) {
    auto flip = [](std::optional<Sample>& v) {
      if (v) v->value = -v->value;
    };
    for (int p = 0; p < 3; ++p) {
      if (!sign_unknown[p]) flip(r.current[p]);  // import in the site's sense either way
      flip(r.power[p]);
    }
    flip(r.power_total);
    std::swap(r.import_energy, r.export_energy);
  }
  return r;
}

}  // namespace ampgate::drivers
