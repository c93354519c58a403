#pragma once
// The order in which a new allocation is written (pure; docs/daemon.md "Write plan").
// Stages go out one after another: the writes of one stage are sent concurrently, and a
// stage starts only once every write of the stage before it was acknowledged. A failed or
// refused write stops the plan there. So the states the site can be in while a plan runs
// are: every earlier stage executed, any subset of the current stage executed, the rest at
// their previous setpoints. Each of those states keeps every fuse within its limit when
// the setpoints in force and the target each do:
//   stage 1 (reductions) writes only setpoints that draw, per site phase, no more than what
//            is in force: any subset leaves every phase at or below the state in force;
//   stage 2 (increases) starts from a state in which every charger draws no more than its
//            target on any phase: any subset leaves every phase at or below the target.
// A setpoint that lowers one phase and raises another is split: its reducing part (a
// pause) goes into stage 1, the rest into stage 2. A phase switch (1 <-> 3) of a running
// charger is pause -> wait -> switch -> resume: the pause in stage 1, and the switch only
// in a later plan, once the pause has been in force for the car's follow time.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "policies/allocation.h"
#include "policies/types.h"

namespace ampgate::gateway {

// A charger as the plan sees it: what is in force now and how it is wired.
struct ChargerInForce {
  std::string id;
  policies::Setpoint in_force;
  policies::Seconds since = 0;  // when `in_force` took effect (its write was acknowledged)
  int wired_phases = 3;
  // The phase map the target was computed with.
  std::array<policies::Phase, 3> phase_map{policies::Phase::L1, policies::Phase::L2, policies::Phase::L3};
  // The map `in_force` was judged under, when it differs (a reload changed the wiring).
  std::optional<std::array<policies::Phase, 3>> in_force_phase_map;
  // What is in force is not known for certain (`in_force` is then the worst case): the
  // target is written even when it equals `in_force`.
  bool unknown = false;
  // Nothing below `in_force` is known either (after a restart or a reboot the charger may be
  // paused, or running at anything up to its worst case): a running target may then be a
  // raise, so it is written only after a pause, once every reduction is in.
  bool may_be_paused = false;
  // The least it may be running, when that is below `in_force` (after a write whose outcome
  // is unknown - no reply, an exception reply - the old setpoint or the attempted one may be
  // in force: `in_force` is the worst case, this the per-phase smaller of the two). A target
  // above it on some phase is a raise from it: its part that fits both (the smaller amps, or
  // a pause) goes with the reductions, the target once every reduction is in.
  std::optional<policies::Setpoint> at_least;
};

struct PlannedWrite {
  std::string charger;
  policies::Setpoint setpoint;
  // False for the reducing part of a split change (the pause before a phase switch or a
  // mixed change); the target follows in a later stage or plan.
  bool is_target = true;
  friend bool operator==(const PlannedWrite&, const PlannedWrite&) = default;
};

// A target that is not written by this plan, and why.
struct DeferredWrite {
  std::string charger;
  policies::Setpoint target;
  policies::Seconds not_before = 0;  // a plan made from this time on writes it
  friend bool operator==(const DeferredWrite&, const DeferredWrite&) = default;
};

struct WritePlan {
  std::vector<std::vector<PlannedWrite>> stages;
  std::vector<DeferredWrite> deferred;  // phase switches waiting for the car to stop
};

struct PlanOptions {
  // The time of the plan and how long a car takes to follow a pause (IEC 61851: 5 s).
  // The defaults never defer a switch whose pause is older than the follow time.
  policies::Seconds now = std::numeric_limits<double>::infinity();
  policies::Seconds car_follow_time = 5.0;
};

// What a setpoint draws per site phase (0 when paused).
policies::PerPhase draw_of(const policies::Setpoint& s, int wired_phases, const std::array<policies::Phase, 3>& map);

// Chargers missing from `in_force` are not written. Setpoints equal to what is in force
// are left out.
WritePlan plan_writes(const std::vector<ChargerInForce>& in_force, const policies::Allocation& target,
                      const PlanOptions& options = {});

// What a write left in force. Acknowledged: the target. Failed (no answer, an exception):
// either may be in force, so the worse of the two, not certain. Refused by the driver
// (nothing was sent): what was in force before. A pause that was not executed is never
// counted as done.
enum class WriteResult : std::uint8_t { acknowledged, failed, refused };
struct AfterWrite {
  policies::Setpoint commanded;
  bool known = false;    // a command is on record (else the charger's maximum is assumed)
  bool certain = false;  // it was acknowledged
};
AfterWrite after_write(const AfterWrite& before, const policies::Setpoint& target, WriteResult result);

// The most a charger certainly draws whichever of two setpoints is in force: the smaller
// amps when both run on the same phases, else a pause (ChargerInForce::at_least).
policies::Setpoint smaller_of(const policies::Setpoint& a, const policies::Setpoint& b, int wired_phases);

// The next stage goes out only when every write of this one was acknowledged: the writes
// that depend on a reduction wait for it.
bool next_stage_may_start(const std::vector<WriteResult>& stage);

}  // namespace ampgate::gateway
