#pragma once
// The daemon's side of gateway/view/: after every decided period the loop builds a SiteView
// from its runtime and last allocation and publishes it as a shared_ptr<const SiteView>
// under a mutex; readers on other threads copy that pointer and never touch the loop's
// objects. Commands are posted onto the loop's io_context and take effect at the next
// period; sessions, events and history are read through a database connection of their own.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "gateway/daemon/daemon.h"
#include "gateway/view/command.h"
#include "gateway/view/view.h"
#include "storage/database.h"

namespace ampgate::gateway {

class DaemonView : public view::Source, public command::Commands {
 public:
  // Registers itself for the daemon's period callback; construct before daemon.run().
  DaemonView(Daemon& daemon, const std::string& database_path);

  view::SiteView site() const override { return *published(); }
  std::shared_ptr<const view::SiteView> published() const;
  std::uint64_t version() const override { return version_.load(); }
  std::vector<view::SessionRow> sessions(const view::SessionQuery& query) const override;  // daemon_records.cpp
  std::vector<view::EventRow> events(const view::EventQuery& query) const override;
  view::MetricsHistory history(view::WallTime from, view::WallTime to) const override;

  // daemon_commands.cpp
  command::CommandResult set_mode(const std::string& charger, const command::ModeCommand& command) override;
  command::CommandResult set_limit(const std::string& charger, std::optional<double> max_current) override;
  command::CommandResult start(const std::string& charger) override;
  command::CommandResult stop(const std::string& charger) override;
  command::CommandResult set_site_limits(const command::SiteLimitsCommand& command) override;

 private:
  void refresh();                // on the loop thread
  view::SiteView build() const;  // on the loop thread
  // Runs `f` on the loop thread and waits (bounded) for its answer.
  command::CommandResult on_loop(std::function<command::CommandResult()> f);
  // On the loop thread: finds the charger, applies `change` to what the user set for it
  // (`change` says what it did, for the event log, or refuses) and records the event.
  command::CommandResult on_charger(const std::string& id,
                                    std::function<command::CommandResult(const ChargerRuntime&, UserSettings&, std::string& what)> change);

  Daemon& daemon_;
  mutable std::mutex mutex_;
  std::shared_ptr<const view::SiteView> view_;
  std::atomic<std::uint64_t> version_{0};
  std::optional<view::WallTime> temporary_until_;  // loop thread only
  mutable std::mutex db_mutex_;
  std::unique_ptr<storage::Database> db_;  // reads for the view only
};

}  // namespace ampgate::gateway
