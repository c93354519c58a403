#include "gateway/daemon/setpoint_history.h"

namespace ampgate::gateway {

namespace {
bool same(const policies::Setpoint& a, const policies::Setpoint& b) {
  if (!a.run && !b.run) return true;  // paused is paused, whatever the amps
  return a == b;
}
}  // namespace

void SetpointHistory::record(const policies::Setpoint& s, Clock::time_point from) {
  if (!entries_.empty() && same(entries_.back().setpoint, s)) return;
  entries_.push_back({from, s});
  // Keep the entry that was in force `keep` ago, so that the window is always covered.
  while (entries_.size() > 1 && entries_[1].from < from - keep_) entries_.pop_front();
}

bool SetpointHistory::changed_since(Clock::time_point t) const {
  return !entries_.empty() && entries_.back().from > t;
}

std::vector<policies::TimedSetpoint> SetpointHistory::recent() const {
  std::vector<policies::TimedSetpoint> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_)
    out.push_back({std::chrono::duration<double>(e.from.time_since_epoch()).count(), e.setpoint});
  return out;
}

}  // namespace ampgate::gateway
