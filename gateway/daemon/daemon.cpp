#include "gateway/daemon/daemon.h"

#include <algorithm>
#include <csignal>
#include <limits>

#include <asio/post.hpp>

#include "gateway/config_load.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

std::chrono::steady_clock::duration period_of(const config::Site& s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s.policy.control_period));
}

// Slow telemetry (lifetime energy, identity) is read every this many periods.
constexpr std::uint64_t slow_poll_every = 10;

}  // namespace

Daemon::Daemon(config::Site site, DaemonOptions options)
    : site_(std::move(site)),
      options_(std::move(options)),
      timer_(io_),
      deadline_(io_),
      signals_(io_, SIGTERM, SIGINT, SIGHUP) {
  if (options_.test_hooks) signals_.add(SIGUSR2);
  database_path_ = options_.database.value_or(site_.storage.database);
  storage_ = std::make_unique<storage::Storage>(database_path_, std::chrono::hours(24 * site_.storage.retention_days));
  metrics_ = std::make_unique<storage::MetricAccumulator>(storage_->metrics());
  sessions_ = std::make_unique<SessionTracker>(storage_->sessions());
  runtime_ = std::make_shared<SiteRuntime>(site_, io_);
  for (const auto& m : runtime_->meters())
    if (!m.unsupported.empty()) log::warning("meter " + m.cfg.id, m.unsupported);
}

Daemon::~Daemon() {
  if (runtime_) runtime_->stop();
}

void Daemon::record_event(storage::Severity severity, const std::string& source, const std::string& message,
                          storage::Details details) {
  log::Level level = severity == storage::Severity::error     ? log::Level::error
                     : severity == storage::Severity::warning ? log::Level::warning
                     : severity == storage::Severity::info    ? log::Level::info
                                                              : log::Level::debug;
  log::write(level, source, message);
  try {
    storage_->events().add({0, storage::Clock::now(), severity, source, message, std::move(details)});
  } catch (const std::exception& e) {
    log::error("storage", "cannot record event", {{"error", e.what()}});
  }
}

void Daemon::wait_signal() {
  signals_.async_wait([this](const std::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) reload();
    else if (sig == SIGUSR2) hang_ = true;
    else shutdown();
    if (!shutting_down_) wait_signal();
  });
}

int Daemon::run() {
  wait_signal();
  if (auto wd = notify_.watchdog_interval();
      wd && std::chrono::duration<double>(*wd).count() < 2 * site_.policy.control_period) {
    // Pings come once per period: a watchdog shorter than two periods restarts a healthy gateway.
    record_event(storage::Severity::warning, "gateway",
                 "systemd WatchdogSec is shorter than two control periods; raise it in the unit or shorten policy.control_period",
                 {{"watchdog_s", std::to_string(std::chrono::duration<double>(*wd).count())},
                  {"control_period_s", std::to_string(site_.policy.control_period)}});
  }
  start_runtime();
  record_event(storage::Severity::info, "gateway", "started",
               {{"site", site_.site.name}, {"chargers", std::to_string(site_.chargers.size())},
                {"period_s", std::to_string(site_.policy.control_period)}});
  next_tick_ = SteadyClock::now();
  tick();
  io_.run();
  return exit_code_;
}

void Daemon::stop() {
  asio::post(io_, [this] { shutdown(); });
}

void Daemon::start_runtime() {
  runtime_->start();
  for (auto& c : runtime_->chargers()) c.reason = "starting";
}

void Daemon::schedule_tick() {
  next_tick_ += period_of(site_);
  auto now = SteadyClock::now();
  if (next_tick_ < now) next_tick_ = now;  // a late period does not cause a burst
  timer_.expires_at(next_tick_);
  timer_.async_wait([this](const std::error_code& ec) {
    if (!ec && !shutting_down_) tick();
  });
}

void Daemon::tick() {
  if (hang_) {
    // Test hook: the loop stops running its periods (and so stops pinging systemd) while
    // the process stays alive, as a deadlocked loop would.
    log::warning("loop", "test hook: control loop hangs");
    return;
  }
  ++cycle_;
  bool readback = false;
  for (auto& c : runtime_->chargers()) {
    if (c.readback_due) readback = true;
    c.readback_due = false;
  }
  submit_poll(cycle_ % slow_poll_every == 1 || readback);
  // Decide at the deadline even if some device has not answered: a slow device must not
  // hold up the others (its data is simply older, and stale data is handled as such).
  deadline_.expires_after(period_of(site_) * 8 / 10);
  deadline_.async_wait([this, cycle = cycle_](const std::error_code& ec) {
    if (!ec) decide(cycle);
  });
  schedule_tick();
}

void Daemon::submit_poll(bool slow) {
  auto level = slow ? drivers::PollLevel::slow : drivers::PollLevel::fast;
  auto rt = runtime_;
  std::uint64_t cycle = cycle_;
  outstanding_ = 0;
  for (auto& m : rt->meters()) {
    if (!m.driver || !m.bus) continue;
    for (const auto& req : m.driver->poll(level)) {
      ++outstanding_;
      m.bus->submit(req, [this, rt, &m, req, cycle](const modbus::Reply& reply) {
        m.driver->on_reply(req, reply, SteadyClock::now());
        if (rt == runtime_) reply_done(cycle);
      });
    }
  }
  for (auto& c : rt->chargers()) {
    if (!c.bus) continue;
    for (const auto& req : c.driver->poll(level)) {
      ++outstanding_;
      c.bus->submit(req, [this, rt, &c, req, cycle](const modbus::Reply& reply) {
        on_charger_reply(rt, c, req, reply);
        if (rt == runtime_) reply_done(cycle);
      });
    }
  }
  if (outstanding_ == 0) asio::post(io_, [this, cycle] { decide(cycle); });
}

void Daemon::on_charger_reply(const std::shared_ptr<SiteRuntime>& rt, ChargerRuntime& c, const modbus::Request& req,
                              const modbus::Reply& reply) {
  auto now = SteadyClock::now();
  c.driver->on_reply(req, reply, now);
  if (rt != runtime_ || req.priority == modbus::Priority::telemetry) return;
  bool was = c.reachable;
  if (reply.ok()) {
    c.status_failures = 0;
    c.last_seen = now;
    c.ever_seen = true;
  } else {
    ++c.status_failures;
    log::debug("charger " + c.cfg.id, "status read failed", {{"tag", req.tag}, {"error", reply.message}});
  }
  // One failed read among several is a glitch, two in a row is a lost charger.
  c.reachable = c.ever_seen && c.status_failures < 2;
  if (was && !c.reachable)
    record_event(storage::Severity::warning, "charger " + c.cfg.id, "charger lost",
                 {{"error", reply.message.empty() ? modbus::to_string(reply.outcome) : reply.message}});
  else if (!was && c.reachable)
    record_event(storage::Severity::info, "charger " + c.cfg.id, c.polls_since_program == 0 ? "charger found" : "charger back");
  ++c.polls_since_program;
}

void Daemon::reply_done(std::uint64_t cycle) {
  if (cycle != cycle_) return;
  if (--outstanding_ == 0) decide(cycle);
}

void Daemon::decide(std::uint64_t cycle) {
  if (cycle <= decided_cycle_ || shutting_down_ || hang_) return;
  decided_cycle_ = cycle;
  deadline_.cancel();
  auto now = SteadyClock::now();
  auto wall = storage::Clock::now();
  check_devices(now);
  // Resume once every charger has told its state (or is known to be silent): a charger
  // whose first answer is merely late must not have its session closed as "gateway restart".
  // Until then no session is started either, so a resumed one is never duplicated.
  auto state_known = [](const ChargerRuntime& c) {
    return !c.bus || c.status_failures >= 2 || (c.reachable && c.driver->state().iec != drivers::IecState::unknown);
  };
  constexpr std::uint64_t resume_wait_cycles = 5;
  if (!sessions_resumed_ && (cycle_ >= resume_wait_cycles ||
                             std::all_of(runtime_->chargers().begin(), runtime_->chargers().end(), state_known))) {
    for (const auto& line : sessions_->resume(*runtime_, wall, now))
      record_event(storage::Severity::info, "sessions", line);
    sessions_resumed_ = true;
  }
  program_watchdogs();

  auto snapshot = build_snapshot(*runtime_, now, external_);
  auto alloc = policies::allocate(snapshot, memory_, to_policy_seconds(now));
  if (!alloc.error.empty())
    record_event(storage::Severity::error, "policy", "invalid snapshot, every charger paused", {{"error", alloc.error}});
  apply(alloc);

  try {
    if (sessions_resumed_) sessions_->update(*runtime_, wall, now);
    record_metrics(now, wall);
    storage_->metrics().prune_if_due(wall);
  } catch (const std::exception& e) {
    log::error("storage", "write failed", {{"error", e.what()}});
  }

  last_period_ = now;
  if (!ready_sent_) {
    notify_.ready();
    ready_sent_ = true;
    log::info("loop", "site under control", {{"chargers", static_cast<unsigned long>(runtime_->chargers().size())}});
  }
  notify_.watchdog();
  if (on_period_) on_period_();
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
  for (auto& c : runtime_->chargers()) {
    const auto& s = c.driver->state();
    // A charger that rebooted forgets what we programmed: its lifetime counter may restart
    // and its failsafe settings return to defaults.
    if (s.lifetime_energy && c.last_lifetime_wh && *s.lifetime_energy + 1.0 < *c.last_lifetime_wh) {
      record_event(storage::Severity::warning, "charger " + c.cfg.id, "charger rebooted: energy counter went back",
                   {{"was_wh", std::to_string(*c.last_lifetime_wh)}, {"now_wh", std::to_string(*s.lifetime_energy)}});
      c.programmed = false;
      c.commanded_known = false;
    }
    if (s.lifetime_energy) c.last_lifetime_wh = s.lifetime_energy;
    auto caps = c.driver->capabilities();
    if (!c.programmed || cycle_ < c.settings_valid_from_cycle || !caps.watchdog_programmable || c.polls_since_program <= 2)
      continue;
    // The charger's own settings, read back, must be what the site file says. A reboot (or
    // someone with the vendor app) resets them; the timeout is checked as well as the
    // failsafe current, since a failsafe configured at the device default would not show it.
    bool failsafe_differs = caps.failsafe_current && std::abs(*caps.failsafe_current - c.cfg.failsafe_current) > 0.05;
    // Whole seconds on the wire: allow the rounding.
    bool timeout_differs = caps.watchdog_timeout && std::abs(*caps.watchdog_timeout - c.cfg.watchdog_timeout) >= 1.0;
    if (failsafe_differs || timeout_differs) {
      record_event(storage::Severity::warning, "charger " + c.cfg.id,
                   std::string(failsafe_differs ? "failsafe" : "watchdog timeout") +
                       " setting differs from the site file, reprogramming",
                   {{"device_failsafe_a", caps.failsafe_current ? std::to_string(*caps.failsafe_current) : "unknown"},
                    {"configured_failsafe_a", std::to_string(c.cfg.failsafe_current)},
                    {"device_timeout_s", caps.watchdog_timeout ? std::to_string(*caps.watchdog_timeout) : "unknown"},
                    {"configured_timeout_s", std::to_string(c.cfg.watchdog_timeout)}});
      c.programmed = false;
      c.commanded_known = false;
    }
  }
}

void Daemon::program_watchdogs() {
  for (auto& c : runtime_->chargers()) {
    if (c.programmed || !c.reachable || !c.bus) continue;
    auto caps = c.driver->capabilities();
    if (!caps.watchdog_programmable) {
      c.programmed = true;
      continue;
    }
    auto cmd = c.driver->program_watchdog(c.cfg.watchdog_timeout, c.cfg.failsafe_current);
    if (!cmd.ok()) {
      record_event(storage::Severity::warning, "charger " + c.cfg.id, "cannot program watchdog", {{"error", cmd.error}});
      c.programmed = true;  // do not retry every period; the event says why
      continue;
    }
    c.programmed = true;
    c.polls_since_program = 1;
    c.settings_valid_from_cycle = std::numeric_limits<std::uint64_t>::max();  // until acknowledged
    auto rt = runtime_;
    auto remaining = std::make_shared<int>(static_cast<int>(cmd.requests.size()));
    auto failed = std::make_shared<bool>(false);
    for (const auto& req : cmd.requests) {
      c.bus->submit(req, [this, rt, &c, remaining, failed](const modbus::Reply& reply) {
        if (!reply.ok()) *failed = true;
        if (--*remaining > 0 || rt != runtime_) return;
        if (*failed) {
          c.programmed = false;
          record_event(storage::Severity::warning, "charger " + c.cfg.id, "watchdog programming failed, will retry",
                       {{"error", reply.message}});
        } else {
          // Read back in the next poll; what the charger said before this write is stale.
          c.readback_due = true;
          c.settings_valid_from_cycle = cycle_ + 2;
          record_event(storage::Severity::info, "charger " + c.cfg.id, "watchdog programmed",
                       {{"timeout_s", std::to_string(c.cfg.watchdog_timeout)},
                        {"failsafe_a", std::to_string(c.cfg.failsafe_current)}});
        }
      });
    }
  }
}

void Daemon::record_metrics(SteadyClock::time_point now, storage::TimePoint wall) {
  auto stale_after = std::chrono::duration<double>(site_.policy.meter_stale_after);
  auto sample_circuit = [&](const std::string& id, const std::string& meter_id) {
    if (meter_id.empty()) return;
    const auto* m = runtime_->find_meter(meter_id);
    if (!m) return;
    auto r = meter_currents(*m, site_.site.phases, now, stale_after);
    if (!r) return;
    std::array<std::optional<double>, 3> v;
    for (int i = 0; i < site_.site.phases; ++i) v[i] = r->amps[i];
    metrics_->sample_phases(storage::metric::circuit, id, storage::metric::current, v, wall);
  };
  sample_circuit(config::mains_circuit_id, site_.site.mains_meter);
  for (const auto& c : site_.circuits) sample_circuit(c.id, c.meter);
  for (const auto& c : runtime_->chargers()) {
    metrics_->sample({storage::metric::charger, c.cfg.id, storage::metric::setpoint, ""},
                     c.commanded.run ? c.commanded.amps : 0.0, wall);
    if (!c.reachable) continue;
    const auto& s = c.driver->state();
    std::array<std::optional<double>, 3> actual;
    for (int i = 0; i < c.cfg.phases; ++i) actual[i] = s.current[i];
    metrics_->sample_phases(storage::metric::charger, c.cfg.id, storage::metric::actual, actual, wall);
  }
  metrics_->flush_completed(wall);
}

}  // namespace ampgate::gateway
