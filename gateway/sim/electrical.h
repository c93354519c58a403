#pragma once
// The electrical model of a simulated site: household load and solar at the mains, each
// EV drawing what its charger allows (and the car accepts) on the site phases given by the
// charger's phase map, summed up the circuit tree. Meters see the circuit they measure.
// It has no clock: time comes in with each step.
#include <array>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/sim/device.h"
#include "gateway/sim/scenario.h"

namespace ampgate::sim {

using PhaseAmps = std::array<double, 3>;  // per site phase, import positive

// Below this a car does not charge at all (IEC 61851 minimum PWM current).
inline constexpr double min_charge_current = 6.0;

class ElectricalModel {
 public:
  ElectricalModel(const config::Site& site, const Scenario& scenario, double unix_start = 0.0);

  // Integrates over the `dt` seconds that end at `now`, with what each charger (by id)
  // allows; chargers missing from `drives` allow nothing.
  void step(double now, double dt, const std::map<std::string, Drive>& drives);

  const ChargerState& charger(const std::string& id) const { return chargers_.at(id).state; }
  MeterState meter(const std::string& id) const;
  // Circuit ids, the mains first, in the order of currents().
  const std::vector<std::string>& circuits() const { return circuit_ids_; }
  const std::vector<PhaseAmps>& currents() const { return currents_; }
  const PhaseAmps* circuit_current(const std::string& id) const;

 private:
  // What a car follows: an amount on some of the charger's lines, from a moment on.
  struct Offer {
    double at = 0.0;  // simulated time the car starts following it
    double amps = 0.0;
    std::uint8_t lines = 0;
    bool operator==(const Offer& o) const { return amps == o.amps && lines == o.lines; }
  };
  struct ChargerSlot {
    const config::Charger* config = nullptr;
    ChargerState state;
    int ev = -1;  // index into scenario evs of the car plugged in, -1 = none
    std::deque<Offer> pending;  // offers the car has not followed yet, oldest first
    Offer followed;             // the offer the car follows now
    double draw = 0.0;          // what the car draws per line, ramping towards followed.amps
  };
  // Advances the car at one charger over `dt` towards what it was offered.
  void follow(ChargerSlot& slot, const Ev& car, const Drive& drive, double now, double dt);
  struct MeterSlot {
    const config::Meter* config = nullptr;
    int circuit = -1;       // index into circuit_ids_, -1 = not a circuit meter
    bool solar = false;
    std::array<double, 3> import_kwh{0, 0, 0};
    std::array<double, 3> export_kwh{0, 0, 0};
    PhaseAmps amps{0, 0, 0};
  };

  int active_ev(const std::string& charger, double now) const;
  int circuit_index(const std::string& id) const;

  const config::Site& site_;
  const Scenario& scenario_;
  double unix_start_;
  double now_ = 0.0;
  std::map<std::string, ChargerSlot> chargers_;
  std::map<std::string, MeterSlot> meters_;
  std::vector<double> ev_energy_;           // kWh delivered to each scenario EV
  std::vector<std::string> circuit_ids_;    // mains first
  std::vector<int> parents_;                // parent index per circuit, -1 for mains
  std::vector<PhaseAmps> currents_;
};

}  // namespace ampgate::sim
