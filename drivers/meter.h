#pragma once
// The Meter interface: what the control loop knows about a grid, circuit, EV or solar
// meter. Values are SI (A, V, W, Wh) with the site's sign convention: import from the
// grid positive, export negative. A value that could not be read is absent or carries the
// time of its last good read; it is never replaced by 0 (a lost meter must not make a
// full fuse look free).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/device.h"

namespace ampgate::drivers {

// A value and the moment it was last read successfully.
struct Sample {
  double value = 0.0;
  Clock::time_point at{};
};

struct MeterReading {
  std::array<std::optional<Sample>, 3> current;  // A per phase, signed: import +, export -
  std::array<std::optional<Sample>, 3> voltage;  // V phase-to-neutral
  std::array<std::optional<Sample>, 3> power;    // W per phase, signed
  std::optional<Sample> power_total;             // W, signed
  std::optional<Sample> import_energy;           // Wh taken from the grid (all tariffs)
  std::optional<Sample> export_energy;           // Wh fed into the grid (all tariffs)

  // The oldest time among the currents and powers present: the age of the reading the
  // control loop acts on. nullopt when the meter has never given one.
  std::optional<Clock::time_point> updated() const;
  // True when some current or power is present and every present one is no older than
  // `max_age` (the site's policy.meter_stale_after).
  bool fresh(Clock::time_point now, Clock::duration max_age) const;
  // A copy without the values older than `max_age`: what is safe to act on now.
  MeterReading without_stale(Clock::time_point now, Clock::duration max_age) const;
};

// Counters of reads, for the API and logs.
struct MeterStats {
  std::uint64_t good_replies = 0;
  std::uint64_t failed_replies = 0;  // timeout, exception, bad frame, wrong length
  std::string last_error;            // empty until something fails; a user can act on it
};

class Meter : public Device {
 public:
  virtual MeterReading reading() const = 0;
  virtual const MeterStats& stats() const = 0;
  // Fed from below (seed 000 "Inverted Eastron"): currents and powers are negated and
  // import/export energies swapped before they reach reading().
  virtual bool inverted() const = 0;
  // How old (s) a value may already be when it is read: meters refresh their registers or
  // send their telegrams about once or twice a second, so a read returns the last value
  // published, not one taken at that moment. The control loop orders a meter sample against
  // charger readings with it (policies::CircuitSnapshot::sample_age). One second covers the
  // SDM630's half second and a DSMR 5 telegram a second; a model known to be slower says so.
  virtual double sample_age() const { return 1.0; }
};

}  // namespace ampgate::drivers
