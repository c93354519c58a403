// `ampgate simulate SITE.yaml`: serves the site's devices as Modbus servers (RTU on
// pseudo-terminals, TCP on loopback) with an electrical model behind them, until SIGINT or
// SIGTERM; then prints the fuse log. See docs/simulator.md.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <variant>

#include "gateway/cli/options.h"
#include "gateway/sim/fuse_log_server.h"
#include "gateway/sim/simulator.h"

#if __has_include("gateway/config_load.h")
#include "gateway/config_load.h"
#define AMPGATE_HAVE_SITE_LOADER 1
#endif

namespace ampgate::cli {
namespace {

constexpr const char* usage =
    "simulate SITE.yaml [--scenario FILE] [--link DIR] [--write-site OUT.yaml] [--tcp-ephemeral] "
    "[--fuse-log-port N] [--fuse-log FILE] [--log-level LEVEL]";

struct SimulateArgs {
  std::string site;
  std::string scenario;
  std::string write_site;
  std::string fuse_log_file;
  std::optional<int> fuse_log_port;
  sim::Options options;
};

constexpr const char* summary = "serve a site's devices as simulated Modbus devices (no hardware needed)";

// The arguments, or the exit code (after --help or an error).
std::variant<SimulateArgs, int> parse(const Args& args) {
  SimulateArgs a;
  Options parser("simulate", usage, summary);
  auto& app = parser.app();
  parser.config(a.site, true);
  app.add_option("--scenario", a.scenario, "what the simulated cars and loads do (docs/simulator.md)")->type_name("FILE");
  app.add_option("--link", a.options.link_dir, "make a stable link to each RTU pseudo-terminal in this folder")->type_name("DIR");
  app.add_option("--write-site", a.write_site, "write the site file as the gateway should see the simulated devices")
      ->type_name("OUT.yaml");
  app.add_flag("--tcp-ephemeral", a.options.tcp_ephemeral, "serve Modbus TCP devices on free loopback ports");
  app.add_option_function<int>("--fuse-log-port", [&a](int port) { a.fuse_log_port = port; },
                               "serve the fuse log over HTTP on this loopback port (0 picks a free one)")
      ->type_name("N")->check(CLI::Range(0, 65535));
  app.add_option("--fuse-log", a.fuse_log_file, "write the fuse log as JSON here at the end")->type_name("FILE");
  parser.log_level();
  if (auto code = parser.parse(args)) return *code;
  if (a.site.empty()) return parser.usage_error("no site file given");
  return a;
}

// Written under a temporary name and renamed, so whoever waits for the file never reads
// half of it.
[[maybe_unused]] bool write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

int simulate(const Args& raw) {
  auto parsed = parse(raw);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto* args = &std::get<SimulateArgs>(parsed);
#ifndef AMPGATE_HAVE_SITE_LOADER
  std::cerr << "ampgate simulate: this build has no site loader yet (gateway/config_load.h)\n";
  return exit_failure;
#else
  const auto loaded = config::load_site_file(args->site);
  if (!loaded.site) {
    for (const auto& p : loaded.problems) std::cerr << p.format() << "\n";
    return exit_usage;
  }
  sim::Scenario scenario;
  if (!args->scenario.empty()) {
    auto r = sim::load_scenario_file(args->scenario);
    if (!r.scenario) {
      for (const auto& p : r.problems) std::cerr << p.format() << "\n";
      return exit_usage;
    }
    scenario = std::move(*r.scenario);
  }

  // Blocked before any thread starts, so every thread inherits the mask and the signals
  // arrive only at sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::optional<sim::Simulator> simulator;
  try {
    simulator.emplace(*loaded.site, std::move(scenario), args->options);
  } catch (const std::invalid_argument& e) {
    std::cerr << args->site << ": " << e.what() << "\n";
    return exit_usage;
  }
  sim::FuseLogServer http(*simulator);
  try {
    simulator->start();
    if (args->fuse_log_port) http.start(*args->fuse_log_port);
  } catch (const std::exception& e) {
    std::cerr << "ampgate simulate: " << e.what() << "\n";
    return exit_failure;
  }

  for (const auto& bus : loaded.site->buses) {
    if (auto path = simulator->rtu_path(bus.id); !path.empty()) std::cout << "bus " << bus.id << ": RTU on " << path << "\n";
    if (auto port = simulator->tcp_port(bus.id); port > 0) std::cout << "bus " << bus.id << ": TCP on 127.0.0.1:" << port << "\n";
  }
  for (const auto& [meter, where] : simulator->p1_endpoints()) std::cout << "meter " << meter << ": " << where << "\n";
  if (args->fuse_log_port) std::cout << "fuse log: http://127.0.0.1:" << http.port() << "/fuse-log\n";
  if (!args->write_site.empty()) {
    std::ifstream in(args->site);
    std::stringstream original;
    original << in.rdbuf();
    if (!write_file(args->write_site, simulator->rewrite_site_yaml(original.str()))) {
      std::cerr << "ampgate simulate: cannot write " << args->write_site << "\n";
      return exit_failure;
    }
    std::cout << "site for the gateway: " << args->write_site << "\n";
  }
  std::cout << "simulating; stop with Ctrl-C" << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  http.stop();
  simulator->stop();
  const auto log = simulator->fuse_log();
  std::cout << log.text();
  if (!args->fuse_log_file.empty() && !write_file(args->fuse_log_file, to_json(log).dump(2) + "\n")) {
    std::cerr << "ampgate simulate: cannot write " << args->fuse_log_file << "\n";
    return exit_failure;
  }
  return exit_ok;
#endif
}

const Verb verb("simulate", usage, summary, simulate);

}  // namespace
}  // namespace ampgate::cli
