// Runs generated site-model sequences over a seed range and reports every violation:
//   bench_site_model FIRST COUNT [MIN_SECONDS MAX_SECONDS] [--cases DIR] [--to-the-end]
// With --cases, each failing sequence is shrunk and written to DIR/seed_<n>.yaml, ready to
// become a regression case under tests/site_model/cases/. --to-the-end runs failing
// sequences to their end (to time runs as long as passing ones). Exit status 1 when any failed.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "tests/site_model/generator.h"
#include "tests/site_model/run.h"
#include "tests/site_model/shrink.h"

using namespace ampgate::site_model;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_site_model FIRST COUNT [MIN_SECONDS MAX_SECONDS] [--cases DIR]\n";
    return 2;
  }
  const std::uint64_t first = std::strtoull(argv[1], nullptr, 10);
  const std::uint64_t count = std::strtoull(argv[2], nullptr, 10);
  GeneratorOptions o;
  std::string cases;
  int arg = 3;
  if (argc >= 5 && std::string(argv[3]) != "--cases") {
    o.min_seconds = std::atof(argv[3]);
    o.max_seconds = std::atof(argv[4]);
    arg = 5;
  }
  bool to_the_end = false;
  for (; arg < argc; ++arg) {
    const std::string a = argv[arg];
    if (a == "--cases" && arg + 1 < argc) cases = argv[++arg];
    else if (a == "--to-the-end") to_the_end = true;
  }
  std::map<std::string, int> by_limit;
  std::uint64_t failing = 0, decisions = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const Scenario s = generate(seed, o);
    const RunResult r = run_scenario(s, to_the_end);
    decisions += static_cast<std::uint64_t>(r.decisions);
    if (!r.violation) continue;
    ++failing;
    ++by_limit[r.violation->rule];
    std::cout << "seed " << seed << ": " << to_string(*r.violation) << "\n";
    if (!cases.empty()) std::ofstream(cases + "/seed_" + std::to_string(seed) + ".yaml") << to_yaml(shrink(s));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << failing << " of " << count << " sequences failed (seeds " << first << ".." << first + count - 1 << ");";
  for (const auto& [rule, n] : by_limit) std::cout << " " << rule << ": " << n;
  std::cout << "\n" << decisions << " decisions in " << secs << " s\n";
  return failing ? 1 : 0;
}
