// The binary's front door: verbs, help and version, as a user at a terminal sees them.
#include <gtest/gtest.h>

#include "tests/support/run_program.h"

using ampgate::test::run_program;

TEST(Cli, VersionNamesLibraryVersions) {
  auto r = run_program(AMPGATE_BINARY, {"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("ampgate 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("libmodbus 3."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sqlite 3."), std::string::npos) << r.out;
}

TEST(Cli, UnknownVerbIsAUsageErrorThatPointsToHelp) {
  auto r = run_program(AMPGATE_BINARY, {"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown verb 'frobnicate'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
}

TEST(Cli, NoVerbPrintsUsageAndFails) {
  auto r = run_program(AMPGATE_BINARY, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: ampgate VERB"), std::string::npos) << r.err;
}
