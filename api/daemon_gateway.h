#pragma once
// The daemon as the API sees it (api::GatewayControl). The control loop refreshes a SiteView
// after every period; HTTP threads read that copy under a mutex and never touch the loop's
// objects. Commands are posted onto the loop's io_context and take effect at the next period;
// sessions, events and history are read through a connection of their own to the database.
#include <atomic>
#include <memory>
#include <mutex>

#include "api/gateway_view.h"
#include "gateway/daemon/daemon.h"
#include "storage/database.h"

namespace ampgate::api {

class DaemonGateway : public GatewayControl {
 public:
  // Registers itself for the daemon's period callback; construct before daemon.run().
  DaemonGateway(gateway::Daemon& daemon, const std::string& database_path);

  SiteView site() const override;
  std::uint64_t version() const override { return version_.load(); }
  std::vector<SessionRow> sessions(const SessionQuery& query) const override;
  std::vector<EventRow> events(const EventQuery& query) const override;
  MetricsHistory history(WallTime from, WallTime to) const override;

  CommandResult set_mode(const std::string& charger, const ModeCommand& command) override;
  CommandResult set_limit(const std::string& charger, std::optional<double> max_current) override;
  CommandResult start(const std::string& charger) override;
  CommandResult stop(const std::string& charger) override;
  CommandResult set_site_limits(const SiteLimitsCommand& command) override;

 private:
  void refresh();  // on the loop thread
  SiteView build() const;  // on the loop thread
  // Runs `f` on the loop thread and waits (bounded) for its answer.
  CommandResult on_loop(std::function<CommandResult()> f);
  // On the loop thread: finds the charger, applies `change` (which says what it did, for the
  // event log) and records the event; unknown ids are refused.
  CommandResult on_charger(const std::string& id, std::function<std::string(gateway::ChargerRuntime&)> change);

  gateway::Daemon& daemon_;
  mutable std::mutex mutex_;
  SiteView view_;
  std::atomic<std::uint64_t> version_{0};
  std::optional<WallTime> temporary_until_;
  mutable std::mutex db_mutex_;
  std::unique_ptr<storage::Database> db_;  // reads for the API only
};

}  // namespace ampgate::api

#include "api/server.h"

namespace ampgate::api {

// The daemon's API: the bridge plus the HTTP server on the site's `api` section. A server
// that cannot bind is logged and recorded; the control loop runs on regardless, since
// keeping the fuses safe does not depend on the API.
class DaemonApi {
 public:
  DaemonApi(gateway::Daemon& daemon, const config::Site& site);
  ~DaemonApi() { server_.stop(); }
  int port() const { return server_.port(); }

 private:
  DaemonGateway gateway_;
  Server server_;
};

}  // namespace ampgate::api
