// Every file in tests/site_model/cases/ is a test named after it (SiteModelCase.<name>): the
// scenario is replayed through the real allocate() and plan_writes() and must end without a
// violation. Each file says in its description which class of issue 11 it reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/site_model/run.h"
#include "tests/site_model/scenario.h"

namespace ampgate::site_model {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> case_files() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(AMPGATE_SOURCE_DIR) / "tests/site_model/cases"))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class SiteModelCase : public testing::TestWithParam<std::string> {};

TEST_P(SiteModelCase, NoFuseOverItsLimit) {
  const auto path = fs::path(AMPGATE_SOURCE_DIR) / "tests/site_model/cases" / (GetParam() + ".yaml");
  const Scenario s = load_scenario(path.string());
  const RunResult r = run_scenario(s);
  EXPECT_FALSE(r.violation.has_value()) << s.description << "\n" << to_string(*r.violation);
  EXPECT_GT(r.decisions, 0) << "the gateway never decided: the case tests nothing";
}

INSTANTIATE_TEST_SUITE_P(, SiteModelCase, testing::ValuesIn(case_files()),
                         [](const testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ampgate::site_model
