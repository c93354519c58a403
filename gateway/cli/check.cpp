// `ampgate check FILE`: load and validate a site file; print the resolved tree or every problem.
#include <iostream>

#include "gateway/cli/options.h"
#include "gateway/config_load.h"
#include "gateway/config_tree.h"
#include "gateway/daemon/poller.h"

namespace ampgate::cli {

namespace {

// Each serial bus's poll timing and what it cannot meet (docs/buses.md "Timing rule").
// Warnings do not make the site invalid: a slow line is slower, not unsafe.
void print_bus_timing(const config::Site& site) {
  try {
    for (const auto& t : gateway::site_bus_timing(site)) {
      std::cout << gateway::describe(t) << "\n";
      for (const auto& w : t.warnings) std::cerr << "warning: " << w << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "warning: bus timing not worked out: " << e.what() << "\n";
  }
}

constexpr const char* usage = "check FILE [--log-level LEVEL]";  // FILE may also be given as --config FILE
constexpr const char* summary = "validate a site description and print the resolved site tree";

int check(const Args& raw) {
  std::string file;
  Options parser("check", usage, summary);
  parser.config(file, true);
  parser.log_level();
  if (auto code = parser.parse(raw)) return *code;
  if (file.empty()) return parser.usage_error("no site file given");
  auto result = config::load_site_file(file);
  if (!result.site) {
    for (const auto& p : result.problems) std::cerr << p.format() << "\n";
    const auto n = result.problems.size();
    std::cerr << file << ": " << n << (n == 1 ? " problem" : " problems") << "; the site was not loaded\n";
    return exit_usage;
  }
  for (const auto& w : result.warnings) std::cerr << w.format() << "\n";
  std::cout << file << ": valid\n" << config::describe_site(*result.site);
  print_bus_timing(*result.site);
  return exit_ok;
}

const Verb verb("check", usage, summary, check);

}  // namespace

}  // namespace ampgate::cli
