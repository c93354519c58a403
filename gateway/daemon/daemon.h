#pragma once
// `ampgate run`: the control loop that keeps a site safe. One Asio io_context thread runs
// everything but the bus workers:
//   each period: poll meters (priority meter) and chargers (status) → when every reply is
//   in (or at the decision deadline) → snapshot → policies::allocate → write the setpoints
//   that changed, reductions first and increases only once every reduction was acknowledged,
//   feed the chargers' watchdogs → sessions, events, metrics → systemd watchdog ping.
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
#include "policies/allocate.h"
#include "storage/storage.h"

namespace ampgate::gateway {

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
  void submit_poll(bool slow);
  void on_charger_reply(const std::shared_ptr<SiteRuntime>& rt, ChargerRuntime& c, const modbus::Request& req,
                        const modbus::Reply& reply);
  void reply_done(std::uint64_t cycle);
  void decide(std::uint64_t cycle);
  void check_devices(SteadyClock::time_point now);
  void program_watchdogs();
  void apply(const policies::Allocation& alloc);
  void write_commands(ChargerRuntime& c, const std::vector<modbus::Request>& requests, policies::Setpoint target,
                      std::function<void(bool ok)> done);
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
  SystemdNotifier notify_;
  policies::PolicyMemory memory_;
  std::optional<policies::ExternalLimit> external_;
  std::function<void()> on_period_;

  SteadyClock::time_point next_tick_;
  SteadyClock::time_point last_period_{};
  std::uint64_t cycle_ = 0;
  std::uint64_t decided_cycle_ = 0;
  int outstanding_ = 0;
  bool sessions_resumed_ = false;
  bool ready_sent_ = false;
  bool shutting_down_ = false;
  bool hang_ = false;  // test hook
  bool finished_ = false;
  int exit_code_ = 0;
};

}  // namespace ampgate::gateway
