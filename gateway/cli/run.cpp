// `ampgate run --config SITE.yaml`: the gateway daemon.
#include <cstdlib>
#include <iostream>

#include "api/mqtt/bridge.h"
#include "gateway/cli/daemon_api.h"
#include "gateway/cli/options.h"
#include "gateway/config_load.h"
#include "gateway/daemon/daemon.h"
#include "gateway/log.h"

namespace ampgate::cli {
namespace {

constexpr const char* usage = "run --config SITE.yaml [--db PATH] [--log-level LEVEL]";
constexpr const char* summary = "run the gateway: control loop, sessions, API (SIGHUP reloads, SIGTERM stops safely)";

int run(const Args& args) {
  gateway::DaemonOptions options;
  Options parser("run", usage, summary);
  parser.config(options.config_path)->required();
  parser.app().add_option("--db", options.database, "the database (default: the site file's storage.database)")->type_name("PATH");
  parser.log_level();
  if (auto code = parser.parse(args)) return *code;
  const char* hooks = std::getenv("AMPGATE_TEST_HOOKS");
  options.test_hooks = hooks && std::string(hooks) == "1";

  auto loaded = config::load_site_file(options.config_path);
  if (!loaded.site) {
    for (const auto& p : loaded.problems) std::cerr << p.format() << "\n";
    std::cerr << "ampgate run: " << loaded.problems.size() << " problem(s); fix the site file and start again\n";
    return exit_usage;
  }
  try {
    gateway::Daemon daemon(*loaded.site, options);
    api::DaemonApi api(daemon, *loaded.site);
    // MQTT beside the REST API; a broker that is down is retried in the background, a
    // setting the user must fix is an event, and neither stops the control loop.
    std::optional<api::mqtt::Bridge> mqtt;
    if (loaded.site->mqtt.enabled) {
      mqtt.emplace(api.control(), loaded.site->mqtt, loaded.site->policy.control_period);
      if (auto error = mqtt->start()) daemon.record_event(storage::Severity::error, "mqtt", "MQTT not available: " + *error);
    }
    return daemon.run();
  } catch (const std::exception& e) {
    log::error("gateway", "cannot start", {{"error", e.what()}});
    return exit_failure;
  }
}

const Verb verb{"run", usage, summary, run};

}  // namespace
}  // namespace ampgate::cli
