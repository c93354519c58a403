// ampgate: one binary, several verbs (see gateway/cli/).
#include <modbus.h>
#include <sqlite3.h>

#include <algorithm>
#include <iostream>

#include "gateway/cli/verb.h"

namespace ampgate::cli {
std::vector<VerbInfo>& verbs() {
  static std::vector<VerbInfo> all;
  return all;
}
}  // namespace ampgate::cli

namespace {

void print_help(std::ostream& out) {
  out << "usage: ampgate VERB [ARGS...]\n\nverbs:\n";
  auto all = ampgate::cli::verbs();
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& v : all) out << "  " << v.usage << "\n      " << v.summary << "\n";
  out << "\n  --version   print version, git revision and library versions\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ampgate::cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_help(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? exit_usage : exit_ok;
  }
  const std::string name = argv[1];
  if (name == "--version") {
    std::cout << "ampgate " << AMPGATE_VERSION << " (git " << AMPGATE_GIT_REVISION << ")\n"
              << "libmodbus " << libmodbus_version_major << '.' << libmodbus_version_minor << '.'
              << libmodbus_version_micro << "\n"
              << "sqlite " << sqlite3_libversion() << "\n";
    return exit_ok;
  }
  for (const auto& v : verbs()) {
    if (v.name == name) return v.run(Args(argv + 2, argv + argc));
  }
  std::cerr << "ampgate: unknown verb '" << name << "' (ampgate --help lists them)\n";
  return exit_usage;
}
