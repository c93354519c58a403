#pragma once
// `ampgate run`: the control loop that keeps a site safe. One Asio io_context thread runs
// everything but the bus workers (docs/daemon.md "Event-driven control"):
//   the poller reads each bus's meters about 4 times a second and its chargers round-robin
//   in the time left; every fresh meter sample → snapshot → policies::allocate → the
//   reductions are written at once (increases wait for the period);
//   each control period: the same decision with increases, reductions first and increases
//   only once every reduction was acknowledged, watchdog feeding → sessions, events,
//   metrics → systemd watchdog ping.
// SIGTERM/SIGINT: every charger gets its failsafe current, sessions are closed, exit 0.
// SIGHUP: reload the site file; an invalid file is logged and the running one stays.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include "gateway/config.h"
#include "gateway/daemon/notify.h"
#include "gateway/daemon/session_tracker.h"
#include "gateway/daemon/site_runtime.h"
#include "gateway/daemon/write_plan.h"
#include "policies/allocate.h"
#include "storage/storage.h"

namespace ampgate::gateway {

class Poller;
struct ChargerRead;

struct DaemonOptions {
  std::string config_path;               // reloaded on SIGHUP
  std::optional<std::string> database;   // overrides storage.database
  bool test_hooks = false;               // AMPGATE_TEST_HOOKS=1: SIGUSR2 hangs the loop (watchdog tests)
};

// A read-only picture of the gateway after a control period, for the API and `status`.
struct ChargerStatus {
  std::string id;
  bool reachable = false;
  policies::Setpoint setpoint;
  std::string reason;
  std::string mode;
  std::optional<double> user_limit;
  std::optional<std::int64_t> session_id;
  std::optional<double> session_energy_wh;
};

// Records the charger's commanded setpoint in its history when it changed (daemon_reads.cpp).
void note_setpoint(ChargerRuntime& c, SteadyClock::time_point now);

class Daemon {
 public:
  Daemon(config::Site site, DaemonOptions options);
  ~Daemon();
  // Runs until SIGTERM/SIGINT (or stop()); returns the process exit code.
  int run();
  // From any thread: ask the loop to shut down as on SIGTERM.
  void stop();

  asio::io_context& io() { return io_; }
  // Called on the loop thread after every decided period (the API refreshes its view).
  void on_period(std::function<void()> f) { on_period_ = std::move(f); }
  SiteRuntime& runtime() { return *runtime_; }
  storage::Storage& storage() { return *storage_; }
  const std::string& database_path() const { return database_path_; }
  const SessionTracker& sessions() const { return *sessions_; }
  SteadyClock::time_point last_period() const { return last_period_; }
  // The last decision's allocation (setpoints, and each circuit's household estimate).
  const policies::Allocation& last_allocation() const { return last_alloc_; }
  SteadyClock::time_point last_decision() const { return last_decision_; }
  // Temporary mains limit from the API; can only lower limits (policies enforce it).
  void set_external_limit(std::optional<policies::ExternalLimit> l) { external_ = std::move(l); }
  const std::optional<policies::ExternalLimit>& external_limit() const { return external_; }
  void record_event(storage::Severity severity, const std::string& source, const std::string& message,
                    storage::Details details = {});

 private:
  void wait_signal();
  void start_runtime();
  void schedule_tick();
  void tick();
  void ensure_poller();
  void watch_link_meters(SiteRuntime& rt);  // link meters' samples decide like Modbus replies
  // Why a decision is taken: a fresh meter sample writes reductions only; the period's
  // decision writes everything and records.
  enum class Trigger { sample, period };
  void on_meter_read(MeterRuntime& m, bool fresh);
  void on_charger_read(ChargerRuntime& c, ChargerRead& read);  // daemon_reads.cpp
  void release_hold(ChargerRuntime& c);                               // daemon_reads.cpp
  void expire_holds(SteadyClock::time_point now);                     // daemon_reads.cpp
  void decide(Trigger trigger);
  void record_period(SteadyClock::time_point now);
  void check_devices(SteadyClock::time_point now);
  void program_watchdogs();
  void apply(const policies::Allocation& alloc);
  // The safety side (daemon_control.cpp, daemon_devices.cpp; docs/daemon.md "Safety rules").
  ChargerInForce in_force_of(const ChargerRuntime& c, SteadyClock::time_point now) const;
  drivers::CommandResult commands_for(ChargerRuntime& c, const PlannedWrite& w);
  void run_stage(std::shared_ptr<WritePlan> plan, std::size_t k, bool stopping, std::function<void()> finished);
  // target empty: a keep-alive, which feeds the watchdog and changes nothing else.
  void write_commands(ChargerRuntime& c, const std::vector<modbus::Request>& requests,
                      std::optional<policies::Setpoint> target, std::function<void(bool ok)> done);
  void persist_command(ChargerRuntime& c, policies::Setpoint bound, bool certain);
  void feed_watchdog(ChargerRuntime& c, SteadyClock::time_point now);
  void write_session(ChargerRuntime& c);  // the user's end / resume of a session
  void restore_commands();
  void plan_failsafes();
  void record_metrics(SteadyClock::time_point now, storage::TimePoint wall);
  void reload();
  void shutdown();
  void finish_shutdown();

  config::Site site_;
  DaemonOptions options_;
  std::string database_path_;
  asio::io_context io_;
  asio::steady_timer timer_;
  asio::steady_timer deadline_;
  asio::signal_set signals_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<storage::MetricAccumulator> metrics_;
  std::unique_ptr<SessionTracker> sessions_;
  std::shared_ptr<SiteRuntime> runtime_;
  std::shared_ptr<Poller> poller_;
  SystemdNotifier notify_;
  policies::PolicyMemory memory_;
  std::optional<policies::ExternalLimit> external_;
  std::function<void()> on_period_;

  SteadyClock::time_point next_tick_;
  SteadyClock::time_point last_period_{};
  SteadyClock::time_point last_decision_{};
  policies::Allocation last_alloc_;
  std::uint64_t cycle_ = 0;       // control periods so far
  bool decision_posted_ = false;  // a sample-triggered decision is queued on the loop
  bool period_pending_ = false;   // the period's decision waits for the next fresh sample
  bool sessions_resumed_ = false;
  bool ready_sent_ = false;
  bool shutting_down_ = false;
  bool hang_ = false;  // test hook
  bool finished_ = false;
  int exit_code_ = 0;
};

}  // namespace ampgate::gateway
