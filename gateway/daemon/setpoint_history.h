#pragma once
// The setpoints a charger had in force over the recent past, each with the time from which
// it may have been in force (policies::ChargerSnapshot::recent_setpoints). A meter sample
// and a charger reading are taken at different moments; what may have changed in between
// is here. Kept small: entries older than `keep` go, except the one in force at that time.
#include <chrono>
#include <deque>
#include <vector>

#include "policies/types.h"

namespace ampgate::gateway {

class SetpointHistory {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SetpointHistory(Clock::duration keep = std::chrono::seconds(30)) : keep_(keep) {}

  // `s` may be in force from `from`. The same setpoint as the last one is not a change.
  void record(const policies::Setpoint& s, Clock::time_point from);
  // A different setpoint came into force after `t`.
  bool changed_since(Clock::time_point t) const;
  bool empty() const { return entries_.empty(); }
  const policies::Setpoint* last() const { return entries_.empty() ? nullptr : &entries_.back().setpoint; }
  // Oldest first, times in policy seconds (the steady clock, as to_policy_seconds).
  std::vector<policies::TimedSetpoint> recent() const;

 private:
  struct Entry {
    Clock::time_point from;
    policies::Setpoint setpoint;
  };
  Clock::duration keep_;
  std::deque<Entry> entries_;
};

}  // namespace ampgate::gateway
