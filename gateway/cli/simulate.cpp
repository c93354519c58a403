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

#include "gateway/cli/verb.h"
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
    "[--fuse-log-port N] [--fuse-log FILE]";

struct SimulateArgs {
  std::string site;
  std::string scenario;
  std::string write_site;
  std::string fuse_log_file;
  std::optional<int> fuse_log_port;
  sim::Options options;
};

std::optional<SimulateArgs> parse(const Args& args) {
  SimulateArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        std::cerr << "ampgate simulate: " << arg << " needs a value\n";
        return std::nullopt;
      }
      return args[++i];
    };
    if (arg == "--tcp-ephemeral") {
      a.options.tcp_ephemeral = true;
    } else if (arg == "--scenario" || arg == "--link" || arg == "--write-site" || arg == "--fuse-log" ||
               arg == "--fuse-log-port") {
      auto v = value();
      if (!v) return std::nullopt;
      if (arg == "--scenario") a.scenario = *v;
      if (arg == "--link") a.options.link_dir = *v;
      if (arg == "--write-site") a.write_site = *v;
      if (arg == "--fuse-log") a.fuse_log_file = *v;
      if (arg == "--fuse-log-port") {
        char* end = nullptr;
        const long port = std::strtol(v->c_str(), &end, 10);
        if (*end != '\0' || port < 0 || port > 65535) {
          std::cerr << "ampgate simulate: --fuse-log-port '" << *v << "' is not a port number (0 picks a free one)\n";
          return std::nullopt;
        }
        a.fuse_log_port = static_cast<int>(port);
      }
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "ampgate simulate: unknown option " << arg << "\nusage: ampgate " << usage << "\n";
      return std::nullopt;
    } else if (a.site.empty()) {
      a.site = arg;
    } else {
      std::cerr << "ampgate simulate: one site file only\nusage: ampgate " << usage << "\n";
      return std::nullopt;
    }
  }
  if (a.site.empty()) {
    std::cerr << "usage: ampgate " << usage << "\n";
    return std::nullopt;
  }
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
  const auto args = parse(raw);
  if (!args) return exit_usage;
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

const Verb verb("simulate", usage, "serve a site's devices as simulated Modbus devices (no hardware needed)", simulate);

}  // namespace
}  // namespace ampgate::cli
