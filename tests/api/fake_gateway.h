#pragma once
// A stand-in for the daemon behind the API: a small fixed site (mains 25 A, a garage
// circuit, three chargers, two meters, two buses) that records every command it gets.
// Commands change what site() shows, as the real loop would at its next period.
#include <mutex>
#include <vector>

#include "api/gateway_view.h"

namespace ampgate::test {

class FakeGateway : public api::GatewayControl {
 public:
  FakeGateway();

  api::SiteView site() const override;
  std::uint64_t version() const override;
  std::vector<api::SessionRow> sessions(const api::SessionQuery& query) const override;
  std::vector<api::EventRow> events(const api::EventQuery& query) const override;
  api::MetricsHistory history(api::WallTime from, api::WallTime to) const override;

  api::CommandResult set_mode(const std::string& charger, const api::ModeCommand& command) override;
  api::CommandResult set_limit(const std::string& charger, std::optional<double> max_current) override;
  api::CommandResult start(const std::string& charger) override;
  api::CommandResult stop(const std::string& charger) override;
  api::CommandResult set_site_limits(const api::SiteLimitsCommand& command) override;

  // What a test changes directly, as the control loop would.
  template <typename F>
  void edit(F&& f) {
    std::lock_guard lock(mutex_);
    f(site_);
    ++site_.version;
  }
  // One control period of a made-up day: currents drift, the loop "runs".
  void tick();

  std::vector<std::string> commands() const;  // "mode garage-left eco", ... in arrival order
  std::size_t site_calls() const;

 private:
  api::ChargerView* find(const std::string& id);
  void record(const std::string& command, const std::string& charger, const std::string& message);

  mutable std::mutex mutex_;
  api::SiteView site_;
  std::vector<api::SessionRow> sessions_;
  std::vector<api::EventRow> events_;
  std::vector<std::string> commands_;
  mutable std::size_t site_calls_ = 0;
  int ticks_ = 0;
};

}  // namespace ampgate::test
