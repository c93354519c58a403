#pragma once
// Judging a write plan from outside: the per-phase currents of every circuit in every state
// the site can pass through while the plan runs (every earlier stage done, any subset of
// the current stage done, the rest at what was in force). Written from the plan's promise
// in write_plan.h, not from its code.
#include <map>
#include <string>
#include <vector>

#include "gateway/daemon/write_plan.h"

namespace ampgate::gateway::test {

struct JudgedCircuit {
  std::string id;
  std::string parent;            // empty for the mains
  double limit = 0;
  policies::PerPhase household{};  // the load that is not a charger
};

struct JudgedCharger {
  ChargerInForce charger;        // in force before the plan, as wired
  std::string circuit = "mains";
};

// Empty when every state keeps every circuit phase at or below its limit; otherwise the
// first state that does not ("stage 2 with {a, b} done: circuit mains L1 28 A > 25 A").
std::string first_overload(const std::vector<JudgedCircuit>& circuits, const std::vector<JudgedCharger>& chargers,
                           const WritePlan& plan);

// The same judgement without a site: each stage's states stay within what is in force or
// within the target, charger by charger and phase by phase (so within any limits both keep).
std::string first_unbounded_state(const std::vector<ChargerInForce>& in_force, const policies::Allocation& target,
                                  const WritePlan& plan);

}  // namespace ampgate::gateway::test
