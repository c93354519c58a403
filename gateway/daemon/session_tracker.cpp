#include "gateway/daemon/session_tracker.h"

#include <algorithm>

#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

bool vehicle_connected(drivers::IecState s) {
  return s == drivers::IecState::B || s == drivers::IecState::C || s == drivers::IecState::D;
}

double max_current(const drivers::ChargerState& s) {
  double m = 0;
  for (const auto& c : s.current)
    if (c) m = std::max(m, *c);
  return m;
}

int phases_in_use(const drivers::ChargerState& s) {
  int n = 0;
  for (const auto& c : s.current)
    if (c && *c > 1.0) ++n;  // below 1 A a phase is idle noise
  return n;
}

}  // namespace

std::vector<std::string> SessionTracker::resume(SiteRuntime& runtime, storage::TimePoint wall_now,
                                                SteadyClock::time_point now) {
  std::vector<storage::ChargerReport> reports;
  for (auto& c : runtime.chargers()) {
    if (!c.reachable) continue;  // silent: not "the same charge"
    const auto& s = c.driver->state();
    reports.push_back({c.cfg.id, vehicle_connected(s.iec), s.lifetime_energy, std::nullopt});
  }
  auto result = store_.resume_or_close(reports);
  std::vector<std::string> lines;
  for (const auto& s : result.resumed) {
    Open o;
    o.id = s.id;
    // Keep the original start for priority ties, measured back from now.
    auto age = std::chrono::duration<double>(wall_now - s.started).count();
    o.started_s = to_policy_seconds(now) - std::max(0.0, age);
    o.peak_a = s.peak_current_a;
    o.phases = s.phases;
    o.energy_wh = s.energy_wh;
    open_[s.charger] = o;
    if (auto* c = runtime.find_charger(s.charger)) c->session_start = o.started_s;
    lines.push_back("session " + std::to_string(s.id) + " on " + s.charger + " resumed after restart");
  }
  for (const auto& s : result.closed)
    lines.push_back("session " + std::to_string(s.id) + " on " + s.charger + " closed: gateway restart");
  last_flush_ = wall_now;
  return lines;
}

storage::SessionProgress SessionTracker::progress_of(ChargerRuntime& c, Open& o, storage::TimePoint wall_now) {
  const auto& s = c.driver->state();
  storage::SessionProgress p;
  p.at = wall_now;
  p.counter_wh = s.lifetime_energy;
  p.integrated_wh = o.pending_integrated_wh;
  o.pending_integrated_wh = 0;
  p.current_a = o.peak_a;
  p.phases = o.phases;
  p.mode = policies::to_string(c.user.mode);
  return p;
}

void SessionTracker::update(SiteRuntime& runtime, storage::TimePoint wall_now, SteadyClock::time_point now) {
  for (auto& c : runtime.chargers()) {
    const auto& s = c.driver->state();
    // No news (silent, or its last status read failed and the driver forgot the state):
    // the session, if any, stays as it is. A glitch must not end a session and start another.
    if (!c.reachable || s.iec == drivers::IecState::unknown) continue;
    auto it = open_.find(c.cfg.id);
    bool connected = vehicle_connected(s.iec);
    bool fault = !s.errors.empty() || s.iec == drivers::IecState::E || s.iec == drivers::IecState::F;

    if (it == open_.end()) {
      if (!connected) continue;
      storage::SessionStart start{c.cfg.id, wall_now, s.lifetime_energy, phases_in_use(s), policies::to_string(c.user.mode),
                                  std::nullopt};
      auto row = store_.start(start);
      Open o;
      o.id = row.id;
      o.started_s = to_policy_seconds(now);
      o.last_sample = now;
      open_[c.cfg.id] = o;
      c.session_start = o.started_s;
      c.user.user_stopped = false;
      log::info("session", "session started", {{"charger", c.cfg.id}, {"session", static_cast<long long>(row.id)}});
      continue;
    }

    Open& o = it->second;
    // Integrate power only for chargers without a counter (the store prefers the counter).
    if (o.last_sample && s.power && !s.lifetime_energy) {
      double hours = std::chrono::duration<double>(now - *o.last_sample).count() / 3600.0;
      o.pending_integrated_wh += std::max(0.0, *s.power) * hours;
    }
    o.last_sample = now;
    o.peak_a = std::max(o.peak_a, max_current(s));
    o.phases = std::max(o.phases, phases_in_use(s));
    if (s.iec == drivers::IecState::C || s.iec == drivers::IecState::D) o.charged = true;

    if (!connected || fault) {
      storage::StopReason reason = fault                ? storage::StopReason::fault
                                   : c.user.user_stopped ? storage::StopReason::stopped_by_user
                                   : o.charged && c.commanded.run ? storage::StopReason::stopped_by_ev
                                                        : storage::StopReason::unplugged;
      // A car that simply got unplugged while charging was not "stopped by the EV".
      if (reason == storage::StopReason::stopped_by_ev && s.iec == drivers::IecState::A) reason = storage::StopReason::unplugged;
      auto row = store_.end(o.id, progress_of(c, o, wall_now), reason);
      log::info("session", "session ended",
                {{"charger", c.cfg.id}, {"session", static_cast<long long>(row.id)}, {"energy_wh", row.energy_wh},
                 {"reason", storage::to_string(reason)}});
      open_.erase(it);
      c.session_start.reset();
      c.user.end_session();
    }
  }
  if (!last_flush_ || wall_now - *last_flush_ >= flush_every_) flush(wall_now, runtime);
}

void SessionTracker::flush(storage::TimePoint wall_now, SiteRuntime& runtime) {
  std::vector<std::pair<std::int64_t, storage::SessionProgress>> updates;
  for (auto& [id, o] : open_) {
    auto* c = runtime.find_charger(id);
    if (!c || !c->reachable) continue;
    updates.emplace_back(o.id, progress_of(*c, o, wall_now));
  }
  if (!updates.empty()) store_.progress_all(updates);
  for (auto& [id, o] : open_)
    if (auto s = store_.find(o.id)) o.energy_wh = s->energy_wh;
  last_flush_ = wall_now;
}

void SessionTracker::close_all(SiteRuntime& runtime, storage::TimePoint wall_now, storage::StopReason reason) {
  for (auto& [id, o] : open_) {
    auto* c = runtime.find_charger(id);
    storage::SessionProgress p;
    p.at = wall_now;
    if (c) p = progress_of(*c, o, wall_now);
    store_.end(o.id, p, reason);
    if (c) c->session_start.reset();
  }
  open_.clear();
}

}  // namespace ampgate::gateway
