// The binary's front door: verbs, help and version, as a user at a terminal sees them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Issue 14: one option parser for every verb. The verbs are read from `ampgate --help`, so
// a verb added later is held to the same rules without touching this test.
namespace {

std::vector<std::string> listed_verbs() {
  auto r = run_program(AMPGATE_BINARY, {"--help"});
  std::vector<std::string> names;
  std::size_t at = r.out.find("verbs:\n");
  while (at != std::string::npos && (at = r.out.find("\n  ", at)) != std::string::npos) {
    at += 3;
    if (r.out[at] == ' ' || r.out[at] == '-') continue;  // a summary line or --version
    names.push_back(r.out.substr(at, r.out.find_first_of(" \n", at) - at));
  }
  return names;
}

}  // namespace

TEST(CliOptions, EveryVerbIsListed) {
  const auto names = listed_verbs();
  for (const char* v : {"run", "check", "demo", "simulate", "scan", "status", "sessions"})
    EXPECT_NE(std::find(names.begin(), names.end(), v), names.end()) << v;
}

TEST(CliOptions, HelpOnEveryVerbPrintsItsUsageAndExitsZero) {
  for (const auto& verb : listed_verbs()) {
    for (const char* flag : {"--help", "-h"}) {
      auto r = run_program(AMPGATE_BINARY, {verb, flag});
      EXPECT_EQ(r.exit_code, 0) << verb << " " << flag << "\n" << r.err;
      EXPECT_EQ(r.out.rfind("usage: ampgate " + verb, 0), 0u) << verb << " " << flag << ":\n" << r.out;
      EXPECT_NE(r.out.find("--log-level LEVEL"), std::string::npos) << verb << ":\n" << r.out;
      EXPECT_EQ(r.err, "") << verb;
    }
  }
}

TEST(CliOptions, AnUnknownOptionIsNamedWithTheVerbsUsage) {
  for (const auto& verb : listed_verbs()) {
    auto r = run_program(AMPGATE_BINARY, {verb, "--colour", "red"});
    EXPECT_EQ(r.exit_code, 2) << verb << "\n" << r.err;
    EXPECT_NE(r.err.find("ampgate " + verb + ": unknown option '--colour'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage: ampgate " + verb), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << verb;
  }
}

TEST(CliOptions, ABadLogLevelIsRefusedByEveryVerbWithTheChoices) {
  for (const auto& verb : listed_verbs()) {
    auto r = run_program(AMPGATE_BINARY, {verb, "--log-level", "loud"});
    EXPECT_EQ(r.exit_code, 2) << verb;
    EXPECT_NE(r.err.find("loud not in {debug,info,warning,error}"), std::string::npos) << verb << ":\n" << r.err;
  }
}

TEST(CliOptions, CheckTakesTheSiteAsConfigToo) {
  const std::string site = AMPGATE_SOURCE_DIR "/examples/home-1phase-p1.yaml";
  auto positional = run_program(AMPGATE_BINARY, {"check", site});
  auto flag = run_program(AMPGATE_BINARY, {"check", "--config", site, "--log-level", "warning"});
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(flag.out, positional.out);
}

TEST(CliOptions, AValueOfTheWrongKindNamesTheOption) {
  auto r = run_program(AMPGATE_BINARY, {"demo", "--port", "eighty"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--port"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("usage: ampgate demo"), std::string::npos) << r.err;
}
