#pragma once
// The judgement: when is a current above a limit the gateway's fault? The rule is written
// out in README.md ("How safety is judged"); this file is its only implementation.
//
// R, the response allowance, is the longest a correct gateway can take to bring a fuse
// under its limit after something it did not cause (a household step, a lowered limit, a
// reboot, an ignored write): one meter refresh plus the poll's skew (or, for a meter that
// went silent, the stale age), two control periods (the poll, the decision), and the car's
// follow time (IEC 61851: 5 s). Within R nothing the gateway did not cause is held against it.
//
// The rule, exactly (README.md says the same at more length):
// - Rolled back for R: household loads count at their lowest value over [t - R, t], limits
//   (external ones too) at their highest, and a charger whose offer changed unasked (reboot,
//   ignored write) less than R ago at the gateway's last command.
// - Only what the chargers add counts: overload = min(I - limit, EV part of I).
// - Prefix rule, at every decision before the plan runs: for each stage k, each subset of
//   stage k executed (all subsets up to 6 writes; else none, all, singles, all-but-ones),
//   stages before k executed, the rest at their real offers; every car at
//   max(what it draws now, all of its offer up to its own and the charger's maximum).
//   No overload above 0.01 A on any fuse phase, external limit, or max_sum_mains without
//   a grace. A decision without writes checks the offers in force.
// - Steady rule, every tick: an overload (truth, not rolled back) may last at most R
//   (+ the grace for max_sum_mains); a crashed gateway's downtime is not counted, a stopped
//   one's is.
#include <optional>
#include <string>
#include <vector>

#include "tests/site_model/scenario.h"
#include "tests/site_model/world.h"

namespace ampgate::site_model {

struct Violation {
  Tick at = 0;
  std::string rule;     // "steady" or "prefix"
  std::string limit;    // "garage L2", "mains sum", "external mains L1", ...
  double amps = 0, allowed = 0;
  std::string detail;   // the write prefix, or how long it lasted
};

// A write the gateway is about to send: which charger, what setpoint.
struct JudgedWrite {
  int charger = 0;
  policies::Setpoint setpoint;
};

class Judge {
 public:
  Judge(const Scenario& s, const World& w);

  Tick allowance() const { return allowance_; }

  // Called once per tick after the world stepped. `external` is the external limit in
  // force (the judge applies it like a fuse, lowered limits count after R); `excused_until`
  // is when a crashed gateway came back (nothing it could not see while down is its fault).
  std::optional<Violation> steady(const World& w, const std::optional<policies::ExternalLimit>& external,
                                  Tick excused_until);

  // Every state the plan can leave the site in: stages before k acknowledged, any subset of
  // stage k executed, the rest at what they have now. Each car may still draw what it
  // draws and may follow every offer it has at once (up to its own maximum).
  // `believed[c]` is what the gateway last commanded charger c: a charger whose offer
  // changed without being asked less than R ago is judged at that instead of its truth.
  std::optional<Violation> prefix(const World& w, const std::vector<std::vector<JudgedWrite>>& stages,
                                  const std::vector<policies::Setpoint>& believed) const;

 private:
  struct Limit {
    std::string name;
    int circuit = 0;
    int phase = 0;            // -1: the sum of the three phases
    bool grace = false;       // max_sum_mains: its grace is added to R
    std::vector<std::pair<Tick, double>> history;  // value from that tick on (inf = none)
    Tick over_since = -1;
    bool external = false;    // follows the external limit in force
  };
  struct Loads {
    Tick from = 0;
    std::vector<Amps3> per_circuit;  // household below each circuit, in force from `from`
  };

  double value(const Limit& l, Tick t) const;        // in force at t
  double judged_limit(const Limit& l, Tick t) const;  // the highest in force over [t - R, t]
  double judged_household(const Limit& l, Tick t) const;  // the lowest over [t - R, t]
  void record(const World& w, const std::optional<policies::ExternalLimit>& external);
  Amps3 follow(const World& w, int c, const policies::Setpoint& s) const;
  Amps3 follow(const World& w, int c, const Offer& o) const;

  std::vector<Limit> limits_;
  std::vector<Loads> loads_;
  std::vector<Amps3> household_, ev_;  // this tick's, per circuit
  Tick allowance_ = 0;
  policies::Seconds grace_ = 0;
};

}  // namespace ampgate::site_model
