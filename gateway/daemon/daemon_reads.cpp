// What one read of a charger means for the loop: reachability, per device (one failed
// read counts once, however many requests or merged transactions it had), and the hold of
// the last good reading over a single failed read (docs/daemon.md "Noise").
#include <algorithm>

#include "gateway/daemon/daemon.h"
#include "gateway/daemon/device_rules.h"
#include "gateway/daemon/poller.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

bool answered(const modbus::Request& req, const modbus::Reply& reply) {
  return reply.ok() && (req.is_write() || reply.registers.size() == req.count);
}

// How long a single failed read may keep the last good reading: until the charger's next
// read, which comes one charger round later. 1.5 rounds allow for a late one; the round
// is measured (the time since this charger's previous read), never below one control
// period and never above `max_hold`.
constexpr std::chrono::seconds max_hold{15};

SteadyClock::duration hold_for(const ChargerRuntime& c, SteadyClock::time_point now, double period_s) {
  auto period = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(period_s));
  auto round = c.last_visit ? now - *c.last_visit : period;
  return std::clamp<SteadyClock::duration>(round * 3 / 2, period, max_hold);
}

}  // namespace

void note_setpoint(ChargerRuntime& c, SteadyClock::time_point now) {
  // From its acknowledgement (or, after a failed write, the last one): the write path knows
  // no better time without being told (the lead may move this into write_commands).
  if (c.commanded_known) c.setpoints.record(c.commanded, c.last_write.value_or(now));
}

void Daemon::on_charger_read(ChargerRuntime& c, ChargerRead& read) {
  const auto now = read.at;
  note_setpoint(c, now);
  ++c.visits;
  std::vector<std::pair<modbus::Request, modbus::Reply>> failed;
  std::string error;
  for (auto& [req, reply] : read.replies) {
    if (answered(req, reply) || req.priority == modbus::Priority::telemetry) {
      c.driver->on_reply(req, reply, now);
      continue;
    }
    if (error.empty()) error = reply.message.empty() ? modbus::to_string(reply.outcome) : reply.message;
    log::debug("charger " + c.cfg.id, "status read failed", {{"tag", req.tag}, {"error", error}});
    failed.emplace_back(req, reply);
  }
  const bool was = c.reachable;
  const bool first_sight = !c.ever_seen;  // a first read lost to noise is not a "back"
  if (failed.empty()) {
    c.status_failures = 0;
    c.last_seen = now;
    c.ever_seen = true;
    c.held_failures.clear();  // the new reading replaced what was held
    c.hold_until.reset();
    if (auto r = measured_reading(c, now)) {
      // Enough to reach back past a meter value's age and a late meter read (5 s), not more.
      constexpr double keep_s = 5.0;
      constexpr std::size_t most = 32;
      c.readings.push_back(*r);
      while (c.readings.size() > most || (c.readings.size() > 1 && c.readings.front().at < r->at - keep_s))
        c.readings.pop_front();
    }
  } else {
    ++c.status_failures;
    // One failed read among good ones is noise: keep the last good reading rather than
    // count the charger's draw as unknown (which reserves it twice and pauses others).
    // Not when a setpoint changed after that reading: it may no longer hold.
    bool hold = c.status_failures == 1 && c.ever_seen && c.last_seen && !c.setpoints.changed_since(*c.last_seen);
    if (hold) {
      c.held_failures = std::move(failed);
      c.hold_until = now + hold_for(c, now, site_.policy.control_period);
    } else {
      release_hold(c);
      for (auto& [req, reply] : failed) c.driver->on_reply(req, reply, now);
    }
  }
  c.last_visit = now;
  // One failed read is a glitch, two in a row is a lost charger.
  c.reachable = charger_reachable(c.ever_seen, c.status_failures);
  if (was && !c.reachable)
    record_event(storage::Severity::warning, "charger " + c.cfg.id, "charger lost", {{"error", error}});
  else if (!was && c.reachable)
    record_event(storage::Severity::info, "charger " + c.cfg.id, first_sight ? "charger found" : "charger back");
  ++c.polls_since_program;
}

void Daemon::release_hold(ChargerRuntime& c) {
  auto now = SteadyClock::now();
  for (auto& [req, reply] : c.held_failures) c.driver->on_reply(req, reply, now);
  c.held_failures.clear();
  c.hold_until.reset();
}

void Daemon::expire_holds(SteadyClock::time_point now) {
  for (auto& c : runtime_->chargers()) {
    if (c.held_failures.empty()) continue;
    bool changed = c.last_seen && c.setpoints.changed_since(*c.last_seen);
    if (changed || (c.hold_until && now >= *c.hold_until)) release_hold(c);
  }
}

}  // namespace ampgate::gateway
