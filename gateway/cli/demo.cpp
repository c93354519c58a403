// `ampgate demo [EXAMPLES_DIR]`: until the simulator exists, checks every example site and
// prints its tree, so a fresh clone shows what ampgate understands of a site.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

#include "gateway/cli/verb.h"
#include "gateway/config_load.h"
#include "gateway/config_tree.h"

namespace ampgate::cli {

namespace {

int demo(const Args& args) {
  if (args.size() > 1) {
    std::cerr << "usage: ampgate demo [EXAMPLES_DIR]\n";
    return exit_usage;
  }
  namespace fs = std::filesystem;
  const fs::path dir = args.empty() ? fs::path("examples") : fs::path(args[0]);
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  if (ec || files.empty()) {
    std::cerr << "ampgate demo: no *.yaml site files in '" << dir.string()
              << "'; run it from the source tree or pass the examples folder\n";
    return exit_usage;
  }
  std::sort(files.begin(), files.end());
  int invalid = 0;
  for (const auto& f : files) {
    auto result = config::load_site_file(f.string());
    std::cout << "=== " << f.string() << "\n";
    if (result.site) {
      std::cout << config::describe_site(*result.site) << "\n";
    } else {
      ++invalid;
      for (const auto& p : result.problems) std::cerr << p.format() << "\n";
    }
  }
  std::cout << files.size() - static_cast<std::size_t>(invalid) << " of " << files.size() << " example sites valid\n";
  return invalid ? exit_usage : exit_ok;
}

const Verb verb("demo", "demo [EXAMPLES_DIR]", "check every example site (default ./examples) and print its tree",
                demo);

}  // namespace

}  // namespace ampgate::cli
