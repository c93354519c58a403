#pragma once
// `run` and `demo` wire the daemon to the REST API: the daemon's published view and command
// interface (gateway/daemon/daemon_view.h) joined into what the HTTP server takes, served on
// the site's `api` section. The API itself sees only gateway/view/.
#include "api/gateway_view.h"
#include "api/server.h"
#include "gateway/daemon/daemon_view.h"

namespace ampgate::api {

// A server that cannot bind is logged and recorded; the control loop runs on regardless,
// since keeping the fuses safe does not depend on the API.
class DaemonApi {
 public:
  DaemonApi(gateway::Daemon& daemon, const config::Site& site);
  ~DaemonApi() { server_.stop(); }
  int port() const { return server_.port(); }
  GatewayControl& control() { return gateway_; }  // for the other front ends (MQTT)

 private:
  gateway::DaemonView view_;
  JoinedGateway gateway_{view_, view_};
  Server server_;
};

}  // namespace ampgate::api
