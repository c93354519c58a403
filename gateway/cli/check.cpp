// `ampgate check FILE`: load and validate a site file; print the resolved tree or every problem.
#include <iostream>

#include "gateway/cli/verb.h"
#include "gateway/config_load.h"
#include "gateway/config_tree.h"

namespace ampgate::cli {

namespace {

int check(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ampgate check FILE\n";
    return exit_usage;
  }
  auto result = config::load_site_file(args[0]);
  if (!result.site) {
    for (const auto& p : result.problems) std::cerr << p.format() << "\n";
    const auto n = result.problems.size();
    std::cerr << args[0] << ": " << n << (n == 1 ? " problem" : " problems") << "; the site was not loaded\n";
    return exit_usage;
  }
  std::cout << args[0] << ": valid\n" << config::describe_site(*result.site);
  return exit_ok;
}

const Verb verb("check", "check FILE", "validate a site description and print the resolved site tree", check);

}  // namespace

}  // namespace ampgate::cli
