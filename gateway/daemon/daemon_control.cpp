// The write side of the control loop (setpoints, reductions first, watchdog feeding), the
// reload on SIGHUP and the shutdown on SIGTERM.
#include <algorithm>
#include <cmath>

#include "gateway/config_load.h"
#include "gateway/daemon/charger_commands.h"
#include "gateway/daemon/daemon.h"
#include "gateway/daemon/reservation.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

AfterWrite on_record(const ChargerRuntime& c) { return {c.commanded, c.commanded_known, c.safety.commanded_certain}; }

policies::Seconds seconds_since(SteadyClock::time_point t, SteadyClock::time_point now) {
  return std::chrono::duration<double>(now - t).count();
}

}  // namespace

// The setpoint the write plan starts from.
ChargerInForce Daemon::in_force_of(const ChargerRuntime& c, SteadyClock::time_point now) const {
  ChargerInForce f;
  f.id = c.cfg.id;
  // Not known for certain (restart, reboot, failed write, draw above it): the target goes
  // first with the reductions. After a restart, a reboot or a draw above the command the
  // charger may run at its maximum on every wired phase; after a failed write it runs the
  // old setpoint or the new one, and `commanded` is already the worse of the two
  // (after_write): taking the maximum there would make a one-phase charger "switch" phases
  // (pause, wait, resume) after a single corrupted reply.
  f.unknown = !c.commanded_known || c.safety.must_write || !c.safety.commanded_certain;
  f.may_be_paused = c.paused_first();
  f.in_force = !f.may_be_paused ? c.commanded
                                : policies::Setpoint{static_cast<int>(std::ceil(c.cfg.max_current)), c.cfg.phases, true};
  f.since = to_policy_seconds(now) - seconds_since(c.safety.commanded_since, now);
  f.wired_phases = c.cfg.phases;
  for (int i = 0; i < 3; ++i) f.phase_map[i] = static_cast<policies::Phase>(static_cast<int>(c.cfg.phase_map[i]));
  f.in_force_phase_map = c.safety.written_map;
  if (!c.safety.commanded_certain) f.at_least = c.safety.at_least;
  return f;
}

// The requests that put `w` in force, or why the driver cannot.
drivers::CommandResult Daemon::commands_for(ChargerRuntime& c, const PlannedWrite& w) {
  const policies::Setpoint& target = w.setpoint;
  const bool unknown = !c.commanded_known || c.safety.must_write;
  if (!target.run) return c.driver->stop();
  drivers::CommandResult out;
  auto add = [&](drivers::CommandResult r) {
    if (!r.ok() && out.ok()) out.error = r.error;
    out.requests.insert(out.requests.end(), r.requests.begin(), r.requests.end());
  };
  // A change of phase count went through the switch steps before (run_stage): the charger
  // is at the target's phases by now.
  add(c.driver->set_current(target.amps));
  if (unknown || !c.commanded.run) add(c.driver->start());
  return out;
}

void Daemon::apply(const policies::Allocation& alloc) {
  auto now = SteadyClock::now();
  std::vector<ChargerInForce> writable;
  for (const auto& sp : alloc.setpoints) {
    auto* c = runtime_->find_charger(sp.id);
    if (!c || !c->bus) continue;
    std::string reason = policies::to_string(sp.reason);
    if (reason != c->reason || !(sp.setpoint == c->commanded))
      log::debug("charger " + c->cfg.id, "setpoint", {{"amps", sp.setpoint.amps}, {"phases", sp.setpoint.phases},
                                                      {"run", sp.setpoint.run}, {"reason", reason}});
    c->reason = std::move(reason);
    // Not answering: its worst case is reserved by the policy; commanding it is pointless.
    if (sp.reason.kind == policies::ReasonKind::unreachable || !c->reachable) continue;
    writable.push_back(in_force_of(*c, now));
  }
  PlanOptions options;
  options.now = to_policy_seconds(now);
  options.car_follow_time = policies::PolicySettings{}.car_follow_time;
  auto plan = std::make_shared<WritePlan>(plan_writes(writable, alloc, options));
  for (const auto& d : plan->deferred)
    log::debug("charger " + d.charger, "phase switch waits until the car has stopped",
               {{"to_phases", d.target.phases}, {"in_s", d.not_before - options.now}});

  // Unchanged chargers: feed the watchdog well before it could expire.
  for (const auto& f : writable) {
    bool planned = false;
    for (const auto& stage : plan->stages)
      for (const auto& w : stage) planned = planned || w.charger == f.id;
    auto* c = runtime_->find_charger(f.id);
    if (!planned) feed_watchdog(*c, now);
    write_session(*c);
  }
  run_stage(plan, 0, false, {});
}

// Feeds the watchdog well before it could expire, when nothing else was written lately.
void Daemon::feed_watchdog(ChargerRuntime& c, SteadyClock::time_point now) {
  auto feed_every = std::chrono::duration<double>(c.cfg.watchdog_timeout / 3.0);
  if (c.last_write && now - *c.last_write < feed_every) return;
  auto keep = c.driver->keep_alive();
  if (!keep.ok() || keep.requests.empty()) return;
  write_commands(c, keep.requests, std::nullopt, [](bool) {});
}

// The user's stop or start as the driver's end or resume of the session (charger_commands.h).
void Daemon::write_session(ChargerRuntime& c) {
  auto due = session_write_due(c);
  if (!due || !due->cmd.ok() || due->cmd.requests.empty()) return;
  c.session_write = true;
  auto rt = runtime_;
  write_commands(c, due->cmd.requests, std::nullopt, [this, rt, &c, ending = due->ending](bool ok) {
    if (rt != runtime_) return;
    c.session_write = false;
    if (!ok) return;  // tried again next period
    c.session_ended_by_user = ending;
    record_event(storage::Severity::info, "charger " + c.cfg.id,
                 ending ? "session ended on the user's stop" : "session resumed on the user's start");
  });
}

// Stage k of a plan: every write of it concurrently; the next stage once all were
// acknowledged. A refused or failed write stops the plan: what depended on it waits for the
// next period, which re-plans with that charger reserved at what may still be in force.
void Daemon::run_stage(std::shared_ptr<WritePlan> plan, std::size_t k, bool stopping, std::function<void()> finished) {
  if (k >= plan->stages.size()) {
    if (finished) finished();
    return;
  }
  struct Write {
    ChargerRuntime* charger;
    drivers::CommandResult cmd;
    policies::Setpoint setpoint;
    std::optional<int> switches_to;  // a phase switch: on its acknowledgement, the count written
  };
  auto results = std::make_shared<std::vector<WriteResult>>();
  std::vector<Write> batch;
  for (const auto& w : plan->stages[k]) {
    auto* c = runtime_->find_charger(w.charger);
    if (!c) continue;
    // Stopping: only the current (or a pause); a paused charger is not started.
    policies::Setpoint writes = w.setpoint;
    if (!stopping && w.setpoint.run) {
      const auto now = SteadyClock::now();
      const auto step = next_switch_step(switch_facts_of(*c, w.setpoint, now),
                                         std::chrono::duration<double>(drivers::phase_switch_settle).count());
      if (step.step == SwitchStep::switch_phases) {
        auto cmd = switch_requests(*c, w.setpoint);
        if (cmd.ok()) {
          // Paused at the new phase count; the resume follows once the charger reports it.
          writes = {0, w.setpoint.phases, false};
          c->phase_switch.waiting.clear();
          log::info("charger " + c->cfg.id, "switching phases", {{"to_phases", w.setpoint.phases}});
          batch.push_back({c, std::move(cmd), writes, w.setpoint.phases});
          continue;
        }
      } else if (step.step != SwitchStep::none) {
        // Not a refusal: the target waits, paused, for the next step (no event).
        if (c->phase_switch.waiting != step.why)
          log::debug("charger " + c->cfg.id, "phase switch waits", {{"why", step.why}, {"to_phases", w.setpoint.phases}});
        c->phase_switch.waiting = step.why;
        results->push_back(WriteResult::refused);
        feed_watchdog(*c, now);
        continue;
      }
    }
    auto cmd = !stopping ? commands_for(*c, w) : w.setpoint.run ? c->driver->set_current(w.setpoint.amps) : c->driver->stop();
    if (!cmd.ok()) {
      // Never counted as done: `commanded` stays, so the charger keeps its reservation.
      // One event per refusal, not one per period.
      if (c->safety.refused != cmd.error)
        record_event(storage::Severity::warning, "charger " + c->cfg.id,
                     w.setpoint.run ? "setpoint refused by driver" : "pause refused by driver", {{"error", cmd.error}});
      c->safety.refused = cmd.error;
      results->push_back(WriteResult::refused);
      continue;
    }
    c->safety.refused.clear();
    // Before anything that may raise its draw goes out, the database holds the worst case.
    // (What a write that fails would leave: the worse of the two.)
    if (c->commanded_known)
      persist_command(*c, after_write(on_record(*c), w.setpoint, WriteResult::failed).commanded, false);
    batch.push_back({c, std::move(cmd), writes, std::nullopt});
  }
  auto rt = runtime_;
  const bool last = k + 1 >= plan->stages.size();
  auto next = [this, rt, plan, k, results, last, stopping, finished] {
    if (rt != runtime_ || shutting_down_ != stopping) return;
    if (!next_stage_may_start(*results)) {
      if (!last) log::warning("loop", "a reduction was not executed; the writes that depend on it wait");
      if (finished) finished();
      return;
    }
    run_stage(plan, k + 1, stopping, finished);
  };
  if (batch.empty()) return next();
  auto remaining = std::make_shared<std::size_t>(batch.size());
  for (auto& w : batch) {
    auto* c = w.charger;
    write_commands(*c, w.cmd.requests, w.setpoint, [this, rt, c, to = w.switches_to, remaining, results, next](bool ok) {
      if (to && ok && rt == runtime_) {
        c->phase_switch.written_phases = *to;
        c->readback_due = true;  // the next read includes the phase report
        record_event(storage::Severity::info, "charger " + c->cfg.id, "phase switched", {{"to", std::to_string(*to)}});
      }
      results->push_back(ok ? WriteResult::acknowledged : WriteResult::failed);
      if (--*remaining == 0) next();
    });
  }
}

void Daemon::write_commands(ChargerRuntime& c, const std::vector<modbus::Request>& requests,
                            std::optional<policies::Setpoint> target, std::function<void(bool ok)> done) {
  auto rt = runtime_;
  if (requests.empty()) return done(true);
  auto remaining = std::make_shared<std::size_t>(requests.size());
  auto failed = std::make_shared<std::string>();
  if (target) ++c.writes_in_flight, c.in_flight_target = *target;
  for (const auto& req : requests) {
    log::debug("charger " + c.cfg.id, "write", {{"tag", req.tag}, {"address", static_cast<int>(req.address)},
                                                {"value", req.values.empty() ? -1 : static_cast<int>(req.values[0])}});
    c.bus->submit(req, [this, rt, &c, req, remaining, failed, target, done](const modbus::Reply& reply) {
      // The driver learns from its writes' replies (e.g. a value the device refuses).
      if (rt == runtime_) c.driver->on_reply(req, reply, SteadyClock::now());
      if (!reply.ok() && failed->empty())
        *failed = reply.message.empty() ? modbus::to_string(reply.outcome) : reply.message;
      if (--*remaining > 0) return;
      if (rt != runtime_) return done(false);
      if (target) --c.writes_in_flight;
      auto now = SteadyClock::now();
      if (!target) {  // a keep-alive: the watchdog was fed, nothing else changed
        if (failed->empty()) c.last_write = now;
        return done(failed->empty());
      }
      const policies::Setpoint before = c.commanded;
      const bool before_known = c.commanded_known;
      const auto before_since = c.safety.commanded_since;
      const bool was_certain = before_known && c.safety.commanded_certain && !c.safety.must_write;
      const auto after = after_write(on_record(c), *target, failed->empty() ? WriteResult::acknowledged : WriteResult::failed);
      c.commanded = after.commanded;
      c.commanded_known = after.known;
      c.safety.commanded_certain = after.certain;
      // Failed: the old or the attempted setpoint may be in force; the plan keeps the lower.
      c.safety.at_least = failed->empty() || !before_known ? std::nullopt
                          : std::optional(smaller_of(c.safety.at_least.value_or(before), *target, c.cfg.phases));
      if (failed->empty()) {
        c.safety.must_write = false;
        c.safety.written_map.reset();
        c.last_write = now;
      } else {
        // The worse stays reserved, and the next plan writes again.
        log::warning("charger " + c.cfg.id, "setpoint write failed", {{"error", *failed}, {"amps", target->amps}});
      }
      // A write that was acknowledged starts the car's follow time again, even when the
      // setpoint is unchanged (a rewrite after a reboot): no second "above command" meanwhile.
      if (failed->empty() || !(before == c.commanded)) c.safety.commanded_since = now;
      if (failed->empty() && !was_certain) c.safety.certain_since = now;
      if (!(before == c.commanded)) {
        // Nothing known before: it may have been paused, the lowest draw it can have had.
        const policies::Setpoint replaced = before_known ? before : policies::Setpoint{0, c.cfg.phases, false};
        record_setpoint(c.safety.history, {to_policy_seconds(before_since), replaced}, c.commanded, to_policy_seconds(now),
                        policies::PolicySettings{}.car_follow_time);
      }
      if (c.commanded_known) persist_command(c, c.commanded, c.safety.commanded_certain);
      done(failed->empty());
    });
  }
}

void Daemon::reload() {
  notify_.reloading();
  auto loaded = config::load_site_file(options_.config_path);
  if (!loaded.site) {
    for (const auto& p : loaded.problems) log::error("config", p.format());
    record_event(storage::Severity::error, "config",
                 "reload refused: " + std::to_string(loaded.problems.size()) +
                     " problem(s) in the site file; the running configuration stays",
                 {{"first", loaded.problems.empty() ? "" : loaded.problems.front().format()}});
    notify_.ready();
    return;
  }
  try {
    auto fresh = std::make_shared<SiteRuntime>(*loaded.site, io_);
    // What the gateway knows about each charger survives a reload: what it commanded (so
    // the worst case stays reserved), the session, and the user's settings.
    for (auto& c : fresh->chargers()) {
      auto* old = runtime_->find_charger(c.cfg.id);
      if (!old) continue;
      c.commanded = old->commanded;
      c.commanded_known = old->commanded_known && old->cfg.bus == c.cfg.bus && old->cfg.unit == c.cfg.unit;
      c.reachable = old->reachable;
      c.ever_seen = old->ever_seen;
      c.last_seen = old->last_seen;
      c.last_write = old->last_write;
      c.session_start = old->session_start;
      c.user = old->user.carried_to(c.cfg);
      c.session_ended_by_user = old->session_ended_by_user;
      c.phase_switch = old->phase_switch;
      c.last_lifetime_wh = old->last_lifetime_wh;
      c.safety = old->safety;
      // A changed phase map: until the next write the setpoint in force is judged under both.
      if (old->cfg.phase_map != c.cfg.phase_map && !c.safety.written_map) {
        std::array<policies::Phase, 3> m;
        for (int i = 0; i < 3; ++i) m[i] = static_cast<policies::Phase>(static_cast<int>(old->cfg.phase_map[i]));
        c.safety.written_map = m;
      }
      if (!c.commanded_known) c.safety.must_write = true;
      c.setpoints = old->setpoints;  // what was in force stays known to the household estimate
    }
    fresh->carry_link_readings(*runtime_);  // a P1 meter is not stale until its next telegram
    watch_link_meters(*fresh);
    runtime_->stop();
    runtime_ = fresh;
    site_ = *loaded.site;
    plan_failsafes();
    runtime_->start();
    record_event(storage::Severity::info, "config", "configuration reloaded",
                 {{"file", options_.config_path}, {"chargers", std::to_string(site_.chargers.size())}});
  } catch (const std::exception& e) {
    record_event(storage::Severity::error, "config", "reload failed; the running configuration stays", {{"error", e.what()}});
  }
  notify_.ready();
}

void Daemon::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  notify_.stopping();
  timer_.cancel();
  deadline_.cancel();
  log::info("gateway", "stopping: writing every charger's failsafe current");
  // Each running charger goes to its (safe) failsafe current, reductions first: a charger
  // raised to its failsafe must not be added to others still at a higher setpoint.
  auto now = SteadyClock::now();
  policies::Allocation to_failsafe;
  std::vector<ChargerInForce> writable;
  for (auto& c : runtime_->chargers()) {
    if (!c.bus) continue;
    auto f = in_force_of(c, now);
    // A write still on its way (queued behind a slow answer, not yet in `commanded`) lands
    // after the failsafes: it is in force as far as the plan goes, the worse of the two, and
    // the failsafe is written even when it equals the command (SafetyTest.SigtermWrites...: a
    // Vestel resumed at 12 A a moment before SIGTERM was left at 12 A while bay-1 went to 20 A).
    if (c.writes_in_flight > 0 && c.in_flight_target.run)
      f.in_force = !f.in_force.run ? c.in_flight_target
                                   : policies::Setpoint{std::max(f.in_force.amps, c.in_flight_target.amps),
                                                        std::max(f.in_force.phases, c.in_flight_target.phases), true};
    if (!f.in_force.run) continue;
    f.unknown = true;
    const int amps = static_cast<int>(std::floor(c.safety.failsafe));
    to_failsafe.setpoints.push_back({c.cfg.id, {amps, f.in_force.phases, amps > 0}, {}});
    writable.push_back(f);
  }
  auto plan = std::make_shared<WritePlan>(plan_writes(writable, to_failsafe));
  plan->deferred.clear();
  if (plan->stages.empty()) return finish_shutdown();
  run_stage(plan, 0, true, [this] { finish_shutdown(); });
  // A silent bus must not keep the process alive: systemd expects an exit within seconds.
  deadline_.expires_after(std::chrono::seconds(4));
  deadline_.async_wait([this](const std::error_code& ec) {
    if (!ec) finish_shutdown();
  });
}

void Daemon::finish_shutdown() {
  if (finished_) return;
  finished_ = true;
  deadline_.cancel();
  try {
    sessions_->close_all(*runtime_, storage::Clock::now(), storage::StopReason::gateway_restart);
    metrics_->flush_all();
  } catch (const std::exception& e) {
    log::error("storage", "final write failed", {{"error", e.what()}});
  }
  record_event(storage::Severity::info, "gateway", "stopped");
  signals_.cancel();
  runtime_->stop();
  io_.stop();
}

}  // namespace ampgate::gateway
