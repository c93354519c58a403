#include "gateway/daemon/daemon.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>

#include <asio/post.hpp>

#include "gateway/config_load.h"
#include "gateway/daemon/device_rules.h"
#include "gateway/daemon/poller.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"

namespace ampgate::gateway {

namespace {

std::chrono::steady_clock::duration period_of(const config::Site& s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s.policy.control_period));
}

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
  if (poller_) poller_->stop();
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
  ensure_poller();
  next_tick_ = SteadyClock::now();
  schedule_tick();  // the first period decides once the first reads had a period's time
  io_.run();
  return exit_code_;
}

void Daemon::stop() {
  asio::post(io_, [this] { shutdown(); });
}

void Daemon::watch_link_meters(SiteRuntime& rt) {
  // A P1 telegram or HomeWizard answer is a fresh sample like a Modbus meter's reply.
  rt.on_meter_sample([this](const std::string& id) {
    if (auto* m = runtime_->find_meter(id)) on_meter_read(*m, true);
  });
}

void Daemon::start_runtime() {
  restore_commands();  // before the first period: what a previous process commanded stays reserved
  watch_link_meters(*runtime_);
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
  ensure_poller();
  // The period's decision is taken on the next fresh meter sample, so that every charger
  // reading it uses is older than the sample (a reading taken after a raise, subtracted from
  // a sample taken before it, would hide load). If no sample came for a whole period (a
  // silent meter, or none read on a bus) it is taken now: a silent meter must still become
  // stale, the watchdogs get fed and the records are written.
  const bool sampled = std::any_of(runtime_->meters().begin(), runtime_->meters().end(),
                                   [](const MeterRuntime& m) { return m.driver && m.bus; });
  if (period_pending_ || !sampled) {
    period_pending_ = false;
    decide(Trigger::period);
  } else {
    period_pending_ = true;
  }
  schedule_tick();
}

void Daemon::ensure_poller() {
  // A reload replaces the runtime (daemon_control.cpp); its devices get a poller of their own.
  if (poller_ && poller_->runtime() == runtime_.get()) return;
  if (poller_) poller_->stop();
  Poller::Hooks hooks;
  hooks.meter_read = [this](MeterRuntime& m, bool fresh) { on_meter_read(m, fresh); };
  hooks.charger_read = [this](ChargerRuntime& c, ChargerRead& r) { on_charger_read(c, r); };
  poller_ = std::make_shared<Poller>(runtime_, io_, std::move(hooks));
  poller_->start();
}

void Daemon::on_meter_read(MeterRuntime&, bool fresh) {
  if (!fresh || decision_posted_ || shutting_down_) return;
  // Decide on the sample at once; samples that arrive while this decision waits on the loop
  // are taken by it (the snapshot reads the newest values).
  decision_posted_ = true;
  asio::post(io_, [this] {
    decision_posted_ = false;
    const bool period = period_pending_;
    period_pending_ = false;
    decide(period ? Trigger::period : Trigger::sample);
  });
}

namespace {

// Per phase: may the new setpoint draw more somewhere, or less somewhere?
bool raises_any(const policies::Setpoint& from, const policies::Setpoint& to) {
  if (!to.run) return false;
  return !from.run || to.amps > from.amps || to.phases > from.phases;
}
bool lowers_any(const policies::Setpoint& from, const policies::Setpoint& to) {
  if (!from.run) return false;
  return !to.run || to.amps < from.amps || to.phases < from.phases;
}

// Between periods only what lowers a draw goes out: a charger whose new setpoint only
// raises keeps what it has (less than the allocation gave it, so every fuse keeps at least
// the room the allocation counted on). A setpoint that lowers one phase and raises another
// goes out whole, since others' reductions may depend on its lowered phase.
void hold_increases(policies::Allocation& alloc, const SiteRuntime& rt) {
  for (auto& sp : alloc.setpoints) {
    const ChargerRuntime* c = rt.find_charger(sp.id);
    if (!c || !c->commanded_known) continue;
    if (raises_any(c->commanded, sp.setpoint) && !lowers_any(c->commanded, sp.setpoint)) sp.setpoint = c->commanded;
  }
}

// Some metered circuit's sample is above its limit less the safety margin (the mains also
// below a temporary external limit).
bool over_limit(const policies::SiteSnapshot& snap) {
  for (const auto& c : snap.circuits) {
    if (!c.reading) continue;
    double limit = c.limit;
    if (c.id == config::mains_circuit_id && snap.external && snap.external->per_phase)
      limit = std::min(limit, *snap.external->per_phase);
    limit -= snap.policy.safety_margin;
    for (double a : c.reading->amps)
      if (std::abs(a) > limit) return true;
  }
  return false;
}

}  // namespace

void Daemon::decide(Trigger trigger) {
  if (shutting_down_ || hang_) return;
  // The writes of the last decision are still queued: deciding again would plan them twice.
  // The next sample (or the period) decides with their outcome known.
  if (trigger == Trigger::sample && runtime_->queued_writes() > 0) return;
  ensure_poller();
  auto now = SteadyClock::now();
  // What the gateway commanded, as it may be in force: the history the policy compares
  // readings against (the snapshot builder may set it itself; this keeps it filled).
  for (auto& c : runtime_->chargers()) note_setpoint(c, now);
  check_devices(now);
  expire_holds(now);
  program_watchdogs();
  // A temporary limit that ran out is dropped at the moment the allocation stops applying
  // it, so that what the API shows and what over_limit() compares with is what is in force.
  if (external_ && !policies::in_force(*external_, to_policy_seconds(now))) {
    external_.reset();
    record_event(storage::Severity::info, "api", "temporary mains limit ended");
  }
  auto snapshot = build_snapshot(*runtime_, now, external_);
  // Between periods only a circuit over its limit (less the margin) is reason to act: the
  // charger readings are older than the sample, and after the loop's own raises they show
  // less than the cars draw, so deciding on every sample would take back what the period
  // gave (flapping). An overloaded fuse cannot wait for the period.
  if (trigger == Trigger::sample && !over_limit(snapshot)) return;
  for (auto& s : snapshot.chargers)
    if (const auto* c = runtime_->find_charger(s.id); c && s.recent_setpoints.empty()) s.recent_setpoints = c->setpoints.recent();
  auto alloc = policies::allocate(snapshot, memory_, to_policy_seconds(now));
  if (!alloc.error.empty() && trigger == Trigger::period)
    record_event(storage::Severity::error, "policy", "invalid snapshot, every charger paused", {{"error", alloc.error}});
  if (trigger == Trigger::sample) hold_increases(alloc, *runtime_);
  apply(alloc);
  last_alloc_ = std::move(alloc);
  last_decision_ = now;
  if (trigger == Trigger::period) record_period(now);
}

void Daemon::record_period(SteadyClock::time_point now) {
  auto wall = storage::Clock::now();
  // Resume once every charger has told its state (or is known to be silent): a charger
  // whose first answer is merely late must not have its session closed as "gateway restart".
  // Until then no session is started either, so a resumed one is never duplicated.
  auto state_known = [](const ChargerRuntime& c) {
    return !c.bus || c.status_failures >= 2 || (c.reachable && c.driver->state().iec != drivers::IecState::unknown);
  };
  // On a crowded bus a first round of charger reads takes several periods.
  auto every_read = [](const ChargerRuntime& c) { return !c.bus || c.visits > 0; };
  constexpr std::uint64_t resume_wait_cycles = 5, resume_give_up_cycles = 60;
  const auto& cs = runtime_->chargers();
  if (!sessions_resumed_ &&
      ((cycle_ >= resume_wait_cycles && std::all_of(cs.begin(), cs.end(), every_read)) ||
       cycle_ >= resume_give_up_cycles || std::all_of(cs.begin(), cs.end(), state_known))) {
    for (const auto& line : sessions_->resume(*runtime_, wall, now))
      record_event(storage::Severity::info, "sessions", line);
    sessions_resumed_ = true;
  }

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
