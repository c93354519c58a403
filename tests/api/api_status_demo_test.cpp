// `ampgate status` against the real gateway: `ampgate demo` (the daemon on the built-in
// simulated site) on an ephemeral loopback port.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {
namespace {

// Starts the demo, waits (bounded) for its "API listening" line, runs `status ARGS`, then
// stops the demo by its PID. Prints the status output; exits with status's exit code.
ProgramResult status_against_demo(const std::string& dir, const std::string& status_args) {
  const std::string bin = AMPGATE_BINARY;
  return run_shell(
      "d='" + dir + "'; '" + bin + "' demo --port 0 --duration 120 --dir \"$d\" >\"$d/out\" 2>\"$d/err\" & pid=$!\n"
      "for i in $(seq 600); do grep -q 'API listening on' \"$d/out\" && break; "
      "  kill -0 $pid 2>/dev/null || break; sleep 0.05; done\n"
      "port=$(sed -n 's/.*API listening on 127.0.0.1://p' \"$d/out\")\n"
      "if [ -z \"$port\" ]; then echo 'the demo did not start:' >&2; cat \"$d/out\" \"$d/err\" >&2; kill $pid; wait $pid; exit 99; fi\n"
      "'" + bin + "' status --url http://127.0.0.1:$port " + status_args + "; rc=$?\n"
      "kill $pid; wait $pid\n"
      "exit $rc\n");
}

TEST(StatusAgainstDemo, ShowsTheRunningGateway) {
  TempDir dir("ampgate-status-demo");
  auto r = status_against_demo(dir.path().string(), "");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ampgate: Farm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mains  fuse 63 A"), std::string::npos) << r.out;
  for (const char* id : {"workshop", "carport-keba", "carport-vestel", "grid ", "rs485 "}) {
    EXPECT_NE(r.out.find("  " + std::string(id)), std::string::npos) << id << " missing:\n" << r.out;
  }
}

TEST(StatusAgainstDemo, JsonIsTheSiteDocument) {
  TempDir dir("ampgate-status-demo");
  auto r = status_against_demo(dir.path().string(), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto site = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(site.is_object()) << r.out;
  EXPECT_EQ(site["name"], "Farm");
  EXPECT_EQ(site["chargers"].size(), 3u);
  EXPECT_EQ(site["mains"]["limit"], 63.0);
}

}  // namespace
}  // namespace ampgate::test
