#pragma once
// What the API sees of the gateway: the daemon's published view and its command interface
// (gateway/view/), under the API's names. The API never touches buses, drivers, policies,
// the daemon's runtime or storage; it reads snapshots and hands over commands.
#include "gateway/view/command.h"
#include "gateway/view/view.h"

namespace ampgate::api {

using view::WallClock;
using view::WallTime;
using view::Amps;
using view::PerPhase;
using view::PilotState;
using view::HouseholdView;
using view::MainsView;
using view::CircuitView;
using view::Setpoint;
using view::SessionInfo;
using view::ChargerView;
using view::MeterView;
using view::BusView;
using view::HealthView;
using view::SiteView;
using view::SessionQuery;
using view::SessionRow;
using view::EventQuery;
using view::EventRow;
using view::MetricsHistory;
using command::CommandResult;
using command::ModeCommand;
using command::SiteLimitsCommand;

// Both halves in one, as the REST server takes them (tests/api's fake implements this).
class GatewayControl : public view::Source, public command::Commands {};

// A GatewayControl made of a view source and a command interface held elsewhere (the
// daemon's: gateway/cli/daemon_api.h).
class JoinedGateway : public GatewayControl {
 public:
  JoinedGateway(const view::Source& source, command::Commands& commands) : source_(source), commands_(commands) {}

  SiteView site() const override { return source_.site(); }
  std::uint64_t version() const override { return source_.version(); }
  std::vector<SessionRow> sessions(const SessionQuery& q) const override { return source_.sessions(q); }
  std::vector<EventRow> events(const EventQuery& q) const override { return source_.events(q); }
  MetricsHistory history(WallTime from, WallTime to) const override { return source_.history(from, to); }

  CommandResult set_mode(const std::string& id, const ModeCommand& c) override { return commands_.set_mode(id, c); }
  CommandResult set_limit(const std::string& id, std::optional<double> a) override { return commands_.set_limit(id, a); }
  CommandResult start(const std::string& id) override { return commands_.start(id); }
  CommandResult stop(const std::string& id) override { return commands_.stop(id); }
  CommandResult set_site_limits(const SiteLimitsCommand& c) override { return commands_.set_site_limits(c); }

 private:
  const view::Source& source_;
  command::Commands& commands_;
};

}  // namespace ampgate::api
