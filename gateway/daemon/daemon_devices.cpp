// The device side of the safety rules: reboot and above-command detection, watchdog
// programming and read-back, the failsafe currents actually programmed, and the commanded
// setpoints kept in the database across restarts. The rules themselves are pure
// (device_rules.h, failsafe_plan.h); this file gathers their inputs and acts.
#include <cmath>
#include <limits>
#include <sstream>

#include "gateway/daemon/daemon.h"
#include "gateway/daemon/device_rules.h"
#include "gateway/daemon/failsafe_plan.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

policies::Phase to_phase(config::Phase p) { return static_cast<policies::Phase>(static_cast<int>(p)); }

std::string text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

void Daemon::plan_failsafes() {
  std::vector<FailsafeCircuit> circuits{{config::mains_circuit_id, "", site_.site.mains_fuse}};
  for (const auto& c : site_.circuits) circuits.push_back({c.id, c.parent, c.limit});
  std::vector<FailsafeCharger> chargers;
  for (const auto& c : runtime_->chargers()) {
    FailsafeCharger f{c.cfg.id, c.cfg.circuit, c.cfg.phases, {}, c.cfg.failsafe_current, c.cfg.min_current};
    for (int i = 0; i < 3; ++i) f.phase_map[i] = to_phase(c.cfg.phase_map[i]);
    chargers.push_back(f);
  }
  auto plan = safe_failsafes(circuits, chargers, site_.site.safety_margin);
  for (std::size_t j = 0; j < chargers.size(); ++j) {
    auto& c = runtime_->chargers()[j];
    if (c.safety.failsafe != plan.failsafe[j] && c.programmed) c.programmed = false;  // reprogram the new one
    c.safety.failsafe = plan.failsafe[j];
  }
  for (const auto& ch : plan.changes)
    record_event(storage::Severity::warning, "charger " + ch.charger,
                 "failsafe current lowered: the failsafes below a circuit add up above its limit",
                 {{"configured_a", text(ch.configured)}, {"programmed_a", text(ch.programmed)}, {"why", ch.why}});
}

void Daemon::restore_commands() {
  plan_failsafes();
  auto now = SteadyClock::now();
  auto wall = storage::Clock::now();
  std::vector<storage::CommandRecord> rows;
  try {
    rows = storage_->commands().all();
  } catch (const std::exception& e) {
    log::error("storage", "cannot read commanded setpoints; chargers are reserved at their maximum", {{"error", e.what()}});
  }
  for (auto& c : runtime_->chargers()) {
    c.safety.started = now;
    c.safety.must_write = true;
    for (const auto& r : rows) {
      if (r.charger != c.cfg.id) continue;
      c.commanded = {r.amps, r.phases, r.run};
      c.commanded_known = true;
      c.safety.commanded_certain = r.certain;
      c.safety.watchdog_verified = r.watchdog_verified;
      auto age = std::chrono::duration_cast<SteadyClock::duration>(wall - r.written);
      c.safety.commanded_since = now - std::max(age, SteadyClock::duration::zero());
      c.safety.history = {{to_policy_seconds(c.safety.commanded_since), c.commanded}};
      c.safety.persisted = r;
      log::info("charger " + c.cfg.id, "restored the previous command; reserved until the charger is read",
                {{"amps", r.amps}, {"phases", r.phases}, {"run", r.run}});
    }
  }
}

void Daemon::persist_command(ChargerRuntime& c, policies::Setpoint bound, bool certain) {
  storage::CommandRecord r{c.cfg.id, bound.amps, bound.phases, bound.run, certain, c.safety.watchdog_verified,
                           storage::Clock::now()};
  if (c.safety.persisted) {
    auto same = *c.safety.persisted;
    same.written = r.written;
    if (same == r) return;  // unchanged: no disk write per period
  }
  try {
    storage_->commands().put(r);
    c.safety.persisted = r;
  } catch (const std::exception& e) {
    log::error("storage", "cannot record a commanded setpoint", {{"charger", c.cfg.id}, {"error", e.what()}});
  }
}

void Daemon::check_devices(SteadyClock::time_point now) {
  auto stale_after = std::chrono::duration<double>(site_.policy.meter_stale_after);
  for (auto& m : runtime_->meters()) {
    bool fresh = meter_currents(m, site_.site.phases, now, stale_after).has_value();
    if (fresh != m.was_fresh && (m.was_fresh || cycle_ > 3)) {
      record_event(fresh ? storage::Severity::info : storage::Severity::warning, "meter " + m.cfg.id,
                   fresh ? "meter back" : "meter stale",
                   {{"fallback_a", std::to_string(site_.policy.meter_lost_fallback)}});
    }
    m.was_fresh = fresh;
  }
  const double follow = policies::PolicySettings{}.car_follow_time;
  for (auto& c : runtime_->chargers()) {
    if (!c.reachable || !c.last_seen) continue;
    const auto& s = c.driver->state();
    auto caps = c.driver->capabilities();

    DrawCheck draw;
    draw.commanded = c.commanded;
    draw.commanded_certain = c.commanded_known && c.safety.commanded_certain && !c.safety.must_write;
    draw.certain_since = to_policy_seconds(c.safety.certain_since);
    draw.history = c.safety.history;
    draw.follow_time = follow;
    draw.wired_phases = c.cfg.phases;
    draw.current = s.current;
    draw.reading_at = to_policy_seconds(*c.last_seen);
    const auto excess = above_command(draw);

    RebootSigns signs;
    signs.lifetime_wh_before = c.last_lifetime_wh;
    signs.lifetime_wh_now = s.lifetime_energy;
    signs.session_wh_before = c.last_session_wh;
    signs.session_wh_now = s.session_energy;
    signs.same_session = c.session_start.has_value() && s.iec != drivers::IecState::A;
    signs.readback_valid = c.programmed && c.visits >= c.settings_valid_from_cycle && caps.watchdog_programmable &&
                           c.polls_since_program > 2;
    signs.failsafe_read = caps.failsafe_current;
    signs.timeout_read = caps.watchdog_timeout;
    signs.failsafe_programmed = c.safety.failsafe;
    signs.timeout_programmed = c.cfg.watchdog_timeout;
    signs.device_limit = s.current_limit;
    signs.commanded = c.commanded;
    signs.commanded_settled = draw.commanded_certain && c.last_write && *c.last_seen > *c.last_write + std::chrono::seconds(1);
    signs.excess = excess;
    if (s.lifetime_energy) c.last_lifetime_wh = s.lifetime_energy;
    if (s.session_energy) c.last_session_wh = s.session_energy;

    if (signs.readback_valid && !c.safety.watchdog_verified && caps.failsafe_current && caps.watchdog_timeout) {
      auto ok = signs;
      ok.lifetime_wh_before.reset();
      ok.session_wh_before.reset();
      ok.device_limit.reset();
      ok.excess.reset();
      if (!judge_reboot(ok).reprogram) {
        c.safety.watchdog_verified = true;  // written and read back: a silent charger falls back to it
        if (c.commanded_known) persist_command(c, c.commanded, c.safety.commanded_certain);
      }
    }
    auto verdict = judge_reboot(signs);
    if (!verdict.reprogram) continue;
    storage::Details details{
        {"device_failsafe_a", caps.failsafe_current ? text(*caps.failsafe_current) : "unknown"},
        {"configured_failsafe_a", text(c.safety.failsafe)},
        {"device_timeout_s", caps.watchdog_timeout ? text(*caps.watchdog_timeout) : "unknown"},
        {"configured_timeout_s", text(c.cfg.watchdog_timeout)},
        {"commanded_a", c.commanded.run ? std::to_string(c.commanded.amps) : "paused"}};
    if (excess) details.push_back({"above_command_a", text(*excess)});
    if (s.current_limit) details.push_back({"device_limit_a", text(*s.current_limit)});
    record_event(storage::Severity::warning, "charger " + c.cfg.id, verdict.why, std::move(details));
    // Settings and setpoint may both be at the device's defaults: program both again at once.
    c.programmed = false;
    c.safety.watchdog_verified = false;
    c.safety.must_write = true;
    // Its draw may be anything up to its maximum until the rewrite is acknowledged.
    c.safety.commanded_certain = false;
  }
}

void Daemon::program_watchdogs() {
  for (auto& c : runtime_->chargers()) {
    if (c.programmed || !c.reachable || !c.bus) continue;
    auto caps = c.driver->capabilities();
    if (!caps.watchdog_programmable) {
      c.programmed = true;  // nothing to program; watchdog_verified stays false
      continue;
    }
    const double failsafe = c.safety.failsafe;
    auto cmd = c.driver->program_watchdog(c.cfg.watchdog_timeout, failsafe);
    if (!cmd.ok()) {
      record_event(storage::Severity::warning, "charger " + c.cfg.id, "cannot program watchdog", {{"error", cmd.error}});
      c.programmed = true;  // do not retry every period; the event says why
      continue;
    }
    c.programmed = true;
    c.safety.watchdog_verified = false;
    c.polls_since_program = 1;
    c.settings_valid_from_cycle = std::numeric_limits<std::uint64_t>::max();  // until acknowledged
    auto rt = runtime_;
    auto remaining = std::make_shared<int>(static_cast<int>(cmd.requests.size()));
    auto failed = std::make_shared<bool>(false);
    for (const auto& req : cmd.requests) {
      c.bus->submit(req, [this, rt, &c, remaining, failed, failsafe](const modbus::Reply& reply) {
        if (!reply.ok()) *failed = true;
        if (--*remaining > 0 || rt != runtime_) return;
        if (*failed) {
          c.programmed = false;
          record_event(storage::Severity::warning, "charger " + c.cfg.id, "watchdog programming failed, will retry",
                       {{"error", reply.message}});
        } else {
          // Read back in the next poll; what the charger said before this write is stale.
          c.readback_due = true;
          c.settings_valid_from_cycle = c.visits + 2;  // counted in this charger's reads
          record_event(storage::Severity::info, "charger " + c.cfg.id, "watchdog programmed",
                       {{"timeout_s", std::to_string(c.cfg.watchdog_timeout)}, {"failsafe_a", std::to_string(failsafe)}});
        }
      });
    }
  }
}

}  // namespace ampgate::gateway
