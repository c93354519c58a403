// `ampgate run --config SITE.yaml`: the gateway daemon.
#include <cstdlib>
#include <iostream>

#include "api/daemon_gateway.h"
#include "gateway/cli/verb.h"
#include "gateway/config_load.h"
#include "gateway/daemon/daemon.h"
#include "gateway/log.h"

namespace ampgate::cli {
namespace {

int usage(const std::string& why) {
  std::cerr << "ampgate run: " << why << "\nusage: ampgate run --config SITE.yaml [--db PATH] [--log-level debug|info|warning|error]\n";
  return exit_usage;
}

int run(const Args& args) {
  gateway::DaemonOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (a == "--config") {
      auto v = value();
      if (!v) return usage("--config needs a file");
      options.config_path = *v;
    } else if (a == "--db") {
      auto v = value();
      if (!v) return usage("--db needs a path");
      options.database = *v;
    } else if (a == "--log-level") {
      auto v = value();
      if (!v) return usage("--log-level needs a level");
      if (*v == "debug") log::set_level(log::Level::debug);
      else if (*v == "info") log::set_level(log::Level::info);
      else if (*v == "warning") log::set_level(log::Level::warning);
      else if (*v == "error") log::set_level(log::Level::error);
      else return usage("unknown log level '" + *v + "'");
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (options.config_path.empty()) return usage("--config is required");
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
    return daemon.run();
  } catch (const std::exception& e) {
    log::error("gateway", "cannot start", {{"error", e.what()}});
    return exit_failure;
  }
}

const Verb verb{"run", "run --config SITE.yaml [--db PATH] [--log-level LEVEL]",
                "run the gateway: control loop, sessions, API (SIGHUP reloads, SIGTERM stops safely)", run};

}  // namespace
}  // namespace ampgate::cli
