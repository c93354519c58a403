// The write side of the control loop (setpoints, reductions first, watchdog feeding), the
// reload on SIGHUP and the shutdown on SIGTERM.
#include <algorithm>

#include "gateway/config_load.h"
#include "gateway/daemon/daemon.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

// True when the new setpoint may draw more than the old one on some phase.
bool raises(const policies::Setpoint& from, const policies::Setpoint& to) {
  if (!to.run) return false;
  if (!from.run) return true;
  return to.amps > from.amps || to.phases > from.phases;
}

bool same_command(const policies::Setpoint& a, const policies::Setpoint& b) {
  if (!a.run && !b.run) return true;  // paused is paused, whatever the amps
  return a == b;
}

// After a failed write either setpoint may be in force: assume the larger draw.
policies::Setpoint worst_of(const policies::Setpoint& a, const policies::Setpoint& b) {
  return {std::max(a.amps, b.amps), std::max(a.phases, b.phases), a.run || b.run};
}

void append(std::vector<modbus::Request>& out, const drivers::CommandResult& r, const std::string& charger) {
  if (!r.ok()) {
    log::warning("charger " + charger, "command refused by driver", {{"error", r.error}});
    return;
  }
  out.insert(out.end(), r.requests.begin(), r.requests.end());
}

}  // namespace

void Daemon::apply(const policies::Allocation& alloc) {
  struct Planned {
    ChargerRuntime* charger;
    std::vector<modbus::Request> requests;
    policies::Setpoint target;
  };
  std::vector<Planned> decreases, increases;
  auto now = SteadyClock::now();

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

    const policies::Setpoint& target = sp.setpoint;
    std::vector<modbus::Request> requests;
    if (!c->commanded_known || !same_command(target, c->commanded)) {
      const std::string& id = c->cfg.id;
      if (!target.run) {
        append(requests, c->driver->stop(), id);
      } else {
        bool phases_change = target.phases != c->commanded.phases || !c->commanded_known;
        if (phases_change && c->driver->capabilities().can_switch_phases) {
          append(requests, c->driver->set_phases(target.phases), id);
          if (c->commanded_known)
            record_event(storage::Severity::info, "charger " + id, "phase switched",
                         {{"from", std::to_string(c->commanded.phases)}, {"to", std::to_string(target.phases)}});
        }
        append(requests, c->driver->set_current(target.amps), id);
        if (!c->commanded.run || !c->commanded_known) append(requests, c->driver->start(), id);
      }
    } else {
      // Unchanged: feed the watchdog well before it could expire.
      auto feed_every = std::chrono::duration<double>(c->cfg.watchdog_timeout / 3.0);
      if (!c->last_write || now - *c->last_write >= feed_every) append(requests, c->driver->keep_alive(), c->cfg.id);
    }
    if (requests.empty()) continue;
    Planned p{c, std::move(requests), target};
    (c->commanded_known && !raises(c->commanded, target) ? decreases : increases).push_back(std::move(p));
  }

  // Reductions first, across every bus: increases are written only once every reduction was
  // acknowledged, so the sum never overshoots in between. A failed reduction holds back the
  // increases of this period (the next period re-plans with the failed charger reserved).
  auto rt = runtime_;
  auto submit_all = [this, rt](std::vector<Planned> batch, std::function<void(bool all_ok)> done) {
    if (batch.empty()) return done(true);
    auto remaining = std::make_shared<std::size_t>(batch.size());
    auto all_ok = std::make_shared<bool>(true);
    for (auto& p : batch) {
      write_commands(*p.charger, p.requests, p.target, [remaining, all_ok, done](bool ok) {
        if (!ok) *all_ok = false;
        if (--*remaining == 0) done(*all_ok);
      });
    }
  };
  auto inc = std::make_shared<std::vector<Planned>>(std::move(increases));
  submit_all(std::move(decreases), [this, rt, inc, submit_all](bool ok) {
    if (rt != runtime_ || shutting_down_) return;
    if (!ok) {
      if (!inc->empty()) log::warning("loop", "a reduction was not acknowledged; increases held back this period");
      return;
    }
    submit_all(std::move(*inc), [](bool) {});
  });
}

void Daemon::write_commands(ChargerRuntime& c, const std::vector<modbus::Request>& requests, policies::Setpoint target,
                            std::function<void(bool ok)> done) {
  auto rt = runtime_;
  auto remaining = std::make_shared<std::size_t>(requests.size());
  auto failed = std::make_shared<std::string>();
  for (const auto& req : requests) {
    log::debug("charger " + c.cfg.id, "write", {{"tag", req.tag}, {"address", static_cast<int>(req.address)},
                                                {"value", req.values.empty() ? -1 : static_cast<int>(req.values[0])}});
    c.bus->submit(req, [this, rt, &c, remaining, failed, target, done](const modbus::Reply& reply) {
      if (!reply.ok() && failed->empty())
        *failed = reply.message.empty() ? modbus::to_string(reply.outcome) : reply.message;
      if (--*remaining > 0) return;
      if (rt != runtime_) return done(false);
      if (failed->empty()) {
        c.commanded = target;
        c.commanded_known = true;
        c.last_write = SteadyClock::now();
      } else {
        c.commanded = worst_of(c.commanded, target);
        log::warning("charger " + c.cfg.id, "setpoint write failed", {{"error", *failed}, {"amps", target.amps}});
      }
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
      c.user_limit = old->user_limit;
      c.user_stopped = old->user_stopped;
      c.last_lifetime_wh = old->last_lifetime_wh;
      if (old->mode != to_policy(old->cfg.mode)) c.mode = old->mode;  // set through the API
    }
    runtime_->stop();
    runtime_ = fresh;
    site_ = *loaded.site;
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
  auto remaining = std::make_shared<int>(0);
  for (auto& c : runtime_->chargers()) {
    if (!c.bus) continue;
    auto cmd = c.cfg.failsafe_current > 0 ? c.driver->set_current(c.cfg.failsafe_current) : c.driver->stop();
    if (!cmd.ok()) {
      log::warning("charger " + c.cfg.id, "cannot write failsafe current", {{"error", cmd.error}});
      continue;
    }
    for (const auto& req : cmd.requests) {
      ++*remaining;
      c.bus->submit(req, [this, remaining, &c](const modbus::Reply& reply) {
        if (!reply.ok()) log::warning("charger " + c.cfg.id, "failsafe write failed", {{"error", reply.message}});
        if (--*remaining == 0) finish_shutdown();
      });
    }
  }
  if (*remaining == 0) return finish_shutdown();
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
