#include "gateway/cli/daemon_api.h"

#include "gateway/log.h"

namespace ampgate::api {

DaemonApi::DaemonApi(gateway::Daemon& daemon, const config::Site& site)
    : view_(daemon, daemon.database_path()),
      // The server logs rarely (the token when it makes one, which must reach the journal at
      // the default level, and handler failures); default worker count: every keep-alive
      // client holds a worker, and 16 made 48 of 64 pollers wait (p99 1 s, timeouts).
      server_(gateway_, ServerOptions{site.api, [](const std::string& line) { log::info("api", line); }}) {
  if (auto error = server_.start()) {
    daemon.record_event(storage::Severity::error, "api", "API not available: " + *error);
  } else {
    daemon.record_event(storage::Severity::info, "api", "listening",
                        {{"address", site.api.listen}, {"port", std::to_string(server_.port())}});
  }
}

}  // namespace ampgate::api
