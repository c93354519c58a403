// Every file in tests/policies/cases/ is a test named after it (ctest -R PolicyCase.<name>).
// A case seen in the field becomes a test by adding a file; the format is in docs/policies.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "tests/policies/case_file.h"

namespace ampgate::policies::test {
namespace {

namespace fs = std::filesystem;

std::string render(const Allocation& a) {
  std::ostringstream s;
  for (const auto& p : a.setpoints)
    s << "  " << p.id << ": " << p.setpoint.amps << " A x" << p.setpoint.phases
      << (p.setpoint.run ? " run" : " pause") << " (" << to_string(p.reason) << ")\n";
  return s.str();
}

void run_case(const std::string& path) {
  Case k = load_case(path);
  PolicyMemory memory;
  for (std::size_t i = 0; i < k.steps.size(); ++i) {
    const auto& step = k.steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + " at now=" + std::to_string(step.now));
    prepare_step(k, step);
    const Allocation a = allocate(k.site, memory, step.now);
    SCOPED_TRACE("allocation:\n" + render(a) + (a.error.empty() ? "" : "error: " + a.error));
    if (step.error) {
      EXPECT_NE(a.error.find(*step.error), std::string::npos) << a.error;
    } else {
      EXPECT_EQ(a.error, "");
    }
    for (const auto& [id, want] : step.expect) {
      const auto* got = a.find(id);
      ASSERT_NE(got, nullptr) << "no setpoint for " << id;
      EXPECT_EQ(got->setpoint.amps, want.amps) << id;
      EXPECT_EQ(got->setpoint.run, want.amps > 0) << id;
      if (want.phases) {
        EXPECT_EQ(got->setpoint.phases, *want.phases) << id;
      }
      if (want.reason) {
        EXPECT_EQ(to_string(got->reason), *want.reason) << id;
      }
    }
    if (!step.order.empty()) {
      std::vector<std::string> got;
      for (const auto& p : a.setpoints)
        if (std::find(step.order.begin(), step.order.end(), p.id) != step.order.end()) got.push_back(p.id);
      EXPECT_EQ(got, step.order) << "write order";
    }
    for (const auto& [id, want] : step.household) {
      auto it = std::find_if(a.circuits.begin(), a.circuits.end(), [&](const auto& e) { return e.id == id; });
      ASSERT_NE(it, a.circuits.end()) << "no estimate for circuit " << id;
      ASSERT_EQ(it->household.has_value(), want.has_value()) << id;
      if (want) {
        for (int p = 0; p < 3; ++p) EXPECT_NEAR((*it->household)[p], (*want)[p], 1e-6) << id << " L" << p + 1;
      }
    }
    // The gateway writes what it was given: the next step starts from it (and a charger
    // with a history of offers gets the new one, in force from now).
    for (auto& c : k.site.chargers) {
      const auto* p = a.find(c.id);
      if (!p || !c.reachable) continue;
      if (!c.recent_setpoints.empty() && p->setpoint != c.last_setpoint) c.recent_setpoints.push_back({step.now, p->setpoint});
      c.last_setpoint = p->setpoint;
    }
  }
}

class CaseFile : public testing::Test {
 public:
  explicit CaseFile(std::string path) : path_(std::move(path)) {}
  void TestBody() override { run_case(path_); }

 private:
  std::string path_;
};

int register_cases() {
  const fs::path dir = fs::path(AMPGATE_SOURCE_DIR) / "tests" / "policies" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string path = f.string();
    testing::RegisterTest("PolicyCase", f.stem().string().c_str(), nullptr, nullptr, path.c_str(), 1,
                          [path]() -> CaseFile* { return new CaseFile(path); });
  }
  return static_cast<int>(files.size());
}

const int registered_cases = register_cases();

TEST(PolicyCases, FolderHoldsTheCases) { EXPECT_GE(registered_cases, 20); }

}  // namespace
}  // namespace ampgate::policies::test
