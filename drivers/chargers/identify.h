#pragma once
// What `ampgate scan` learns about one unit id, from reads only (never a write: a scan must
// not change anything on a live installation).
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/modbus.h"

namespace ampgate::drivers {

struct Identified {
  enum class Kind { charger, meter, unknown };
  Kind kind = Kind::unknown;
  std::string model;   // a model name of the site file, empty for unknown
  std::string detail;  // what was seen, for the YAML comment: "EVSE ID 21571, 22 kW"
  bool certain = false;  // false: a plausibility guess the user should check
};

// nullopt: nothing answered at `unit` (timeout). A unit that answers with exceptions only
// is reported as Kind::unknown.
std::optional<Identified> identify_unit(modbus::Client& client, std::uint8_t unit);

// The meter half of identification: a signature read that a meter answers plausibly.
// Kept apart so the meter drivers' own signatures can replace it.
std::optional<Identified> identify_meter(modbus::Client& client, std::uint8_t unit);

}  // namespace ampgate::drivers
