#pragma once
// Policy cases as data: one YAML file per case (site, state over one or more steps,
// expected setpoints and reasons). The format is described in docs/policies.md.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "policies/allocate.h"

namespace ampgate::policies::test {

struct Expected {
  int amps = 0;
  std::optional<int> phases;
  std::optional<std::string> reason;
};

struct Step {
  Seconds now = 0;
  YAML::Node changes;  // partial circuits/chargers applied before this step
  std::map<std::string, Expected> expect;
  std::vector<std::string> order;   // expected output order (ids), when given
  std::optional<std::string> error; // expected error text (substring)
  // Expected household estimate per circuit (Allocation::circuits); empty = not estimated.
  std::map<std::string, std::optional<PerPhase>> household;
};

struct Case {
  std::string description;
  SiteSnapshot site;
  std::vector<Step> steps;
  // Readings without an `at` are taken at every step's `now` (a live meter).
  std::vector<std::string> live_circuits;
  std::vector<std::string> live_chargers;
};

// Throws std::runtime_error with the file and the key on a malformed case.
Case load_case(const std::string& path);

// Applies a step's changes and refreshes live readings.
void prepare_step(Case& c, const Step& step);

// The site as a YAML case (for a failing generated case).
std::string to_yaml(const SiteSnapshot& site, Seconds now);

}  // namespace ampgate::policies::test
