// `ampgate demo`: the gateway against the built-in simulated site. The simulator serves a
// TeltoCharge on a pseudo-terminal (RS485 as the gateway sees it) and a KEBA and a Vestel on
// loopback Modbus TCP; the real daemon controls them, with its API and web page on
// 127.0.0.1. At the end the simulator's fuse log says whether any limit was exceeded.
#include <stdlib.h>

#include <asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "gateway/cli/daemon_api.h"
#include "gateway/cli/options.h"
#include "gateway/config_load.h"
#include "gateway/daemon/daemon.h"
#include "gateway/log.h"
#include "gateway/sim/simulator.h"

namespace ampgate::embedded {
extern const char demo_site_yaml[];
extern const char demo_scenario_yaml[];
}  // namespace ampgate::embedded

namespace ampgate::cli {
namespace {

constexpr const char* usage = "demo [--port N] [--duration SECONDS] [--dir DIR] [--log-level LEVEL]";
constexpr const char* summary = "run the gateway against the built-in simulated site (web page on 127.0.0.1:8080)";

struct DemoArgs {
  int port = 8080;
  std::optional<double> duration;
  std::string dir;
};

int demo(const Args& raw) {
  DemoArgs a;
  Options parser("demo", usage, summary);
  parser.app().add_option("--port", a.port, "the API's and web page's port on 127.0.0.1 (0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  parser.app().add_option_function<double>("--duration", [&a](double s) { a.duration = s; },
                                          "stop after this many real seconds (default: at Ctrl-C)")
      ->type_name("SECONDS")->check(CLI::PositiveNumber);
  parser.app().add_option("--dir", a.dir, "where the site file, token and database go (default: a new temporary folder)");
  parser.log_level();
  if (auto code = parser.parse(raw)) return *code;
  namespace fs = std::filesystem;
  std::string dir = a.dir;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "ampgate-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::cerr << "ampgate demo: cannot make a temporary folder\n";
      return exit_failure;
    }
    dir = tmpl;
  }
  fs::create_directories(dir);

  auto site = config::load_site_text(embedded::demo_site_yaml, "demo site (examples/mixed-site.yaml)");
  auto scenario = sim::load_scenario_text(embedded::demo_scenario_yaml, "demo scenario (examples/scenarios/demo.yaml)");
  if (!site.site || !scenario.scenario) {  // a build from a broken examples/ folder
    for (const auto& p : site.problems) std::cerr << p.format() << "\n";
    for (const auto& p : scenario.problems) std::cerr << p.format() << "\n";
    return exit_failure;
  }

  sim::Options options;
  options.tcp_ephemeral = true;
  sim::Simulator simulator(*site.site, *scenario.scenario, options);
  try {
    simulator.start();
  } catch (const std::exception& e) {
    std::cerr << "ampgate demo: the simulator cannot start: " << e.what() << "\n";
    return exit_failure;
  }

  // The gateway runs on the site as the simulator serves it: ptys and loopback ports.
  const std::string site_path = dir + "/site.yaml";
  std::ofstream(site_path) << simulator.rewrite_site_yaml(embedded::demo_site_yaml);
  auto served = config::load_site_file(site_path);
  if (!served.site) {
    for (const auto& p : served.problems) std::cerr << p.format() << "\n";
    return exit_failure;
  }
  served.site->api.listen = "127.0.0.1";
  served.site->api.port = a.port;
  served.site->api.token_file = dir + "/api-token";
  served.site->storage.database = dir + "/ampgate.db";

  std::cout << "ampgate demo: simulated site '" << served.site->site.name << "' with "
            << served.site->chargers.size() << " chargers (ten simulated minutes per real minute)\n"
            << "  site file      " << site_path << "\n"
            << "  database       " << served.site->storage.database << "\n"
            << "  web page       http://127.0.0.1:" << a.port << "/\n"
            << "  status         ampgate status --url http://127.0.0.1:" << a.port << "\n"
            << "stop with Ctrl-C" << std::endl;

  int code = exit_ok;
  {
    gateway::DaemonOptions dopt;
    dopt.config_path = site_path;
    gateway::Daemon daemon(*served.site, dopt);
    api::DaemonApi api(daemon, *served.site);
    std::cout << "  API listening on 127.0.0.1:" << api.port() << std::endl;
    asio::steady_timer stop_timer(daemon.io());
    if (a.duration) {
      stop_timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(*a.duration)));
      stop_timer.async_wait([&](const std::error_code& ec) {
        if (!ec) daemon.stop();
      });
    }
    code = daemon.run();
  }
  simulator.stop();
  auto fuse = simulator.fuse_log();
  std::cout << fuse.text();
  bool exceeded = false;
  for (const auto& c : fuse.circuits)
    for (double s : c.seconds_over) exceeded = exceeded || s > 0;
  if (exceeded) std::cout << "ampgate demo: a limit was exceeded (see the fuse log above)\n";
  return code != exit_ok ? code : exceeded ? exit_failure : exit_ok;
}

const Verb verb{"demo", usage, summary, demo};

}  // namespace
}  // namespace ampgate::cli
