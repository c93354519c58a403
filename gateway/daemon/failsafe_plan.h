#pragma once
// Failsafe currents that fit (pure; docs/daemon.md "Failsafe currents"). When the gateway
// stops, crashes or loses a bus, every charger falls back to its failsafe at once, so per
// circuit and per site phase the failsafe draws below it must fit its limit minus the
// safety margin. The loader rejects a site where they do not; the daemon still never
// programs such a set (a reload, an edited database, a future loader bug): it lowers the
// largest failsafes until everything fits and says why.
#include <array>
#include <string>
#include <vector>

#include "policies/types.h"

namespace ampgate::gateway {

struct FailsafeCircuit {
  std::string id;
  std::string parent;  // empty for the mains
  double limit = 0;    // per phase
};

struct FailsafeCharger {
  std::string id;
  std::string circuit;
  int wired_phases = 3;
  std::array<policies::Phase, 3> phase_map{policies::Phase::L1, policies::Phase::L2, policies::Phase::L3};
  double failsafe = 0;
  double min_current = 6;  // a failsafe below it is not a current the charger takes: it becomes 0
};

struct FailsafeChange {
  std::string charger;
  double configured = 0;
  double programmed = 0;
  std::string why;  // "circuit garage L2: failsafes add up to 24 A, limit 16 A - margin 0 A"
};

struct FailsafePlan {
  std::vector<double> failsafe;  // per charger, in the order given
  std::vector<FailsafeChange> changes;
};

FailsafePlan safe_failsafes(const std::vector<FailsafeCircuit>& circuits, const std::vector<FailsafeCharger>& chargers,
                            double margin);

}  // namespace ampgate::gateway
