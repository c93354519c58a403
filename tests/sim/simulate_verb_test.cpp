// `ampgate simulate` as a user runs it: the real binary as a child process, stopped by its
// PID with SIGTERM; the site file it writes points at its pty, mbpoll reads through it,
// and the fuse log comes out at exit.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/run_program.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SimulateVerb, ServesTheSiteUntilSigtermAndWritesTheFuseLog) {
  const fs::path dir = fs::temp_directory_path() / ("ampgate-sim-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "site.yaml") << "site: {name: t, phases: 3, mains_fuse: 25}\n"
                                      "buses:\n  - id: rs485\n    rtu: {port: /dev/ttyUSB0, baud: 9600, parity: N}\n"
                                      "chargers:\n  - {id: c1, model: teltocharge, bus: rs485, unit: 3, max_current: 16}\n";
  std::ofstream(dir / "scenario.yaml") << "car_lag: 0\ncar_ramp: 0\nevs:\n  - {charger: c1}\n";  // the car draws at once
  const std::string out = (dir / "out.txt").string(), site = (dir / "sim-site.yaml").string(),
                    log = (dir / "fuse.json").string(), site_in = (dir / "site.yaml").string(),
                    scenario = (dir / "scenario.yaml").string();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout)) _exit(126);
    execl(AMPGATE_BINARY, AMPGATE_BINARY, "simulate", site_in.c_str(), "--scenario", scenario.c_str(), "--write-site",
          site.c_str(), "--fuse-log", log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Bounded wait for the rewritten site (written atomically once everything listens).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  bool exited = false;
  while (!fs::exists(site) && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (exited && WIFEXITED(status) && WEXITSTATUS(status) == 1 && slurp(out).empty()) {
    fs::remove_all(dir);
    GTEST_SKIP() << "this build has no site loader (gateway/config_load.h) yet";
  }
  ASSERT_TRUE(fs::exists(site)) << slurp(out);
  const std::string written = slurp(site);
  const auto at = written.find("/dev/pts/");
  ASSERT_NE(at, std::string::npos) << written;
  const std::string pty = written.substr(at, written.find_first_of(" ,}\n", at) - at);

  const auto r = ampgate::test::run_program(
      "/usr/bin/mbpoll", {"-m", "rtu", "-b", "9600", "-P", "none", "-a", "3", "-0", "-r", "9", "-c", "1", "-t", "4", "-1", pty});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[9]: \t21571"), std::string::npos) << r.out;

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(slurp(out).find("fuse log over"), std::string::npos) << slurp(out);
  const auto json = nlohmann::json::parse(slurp(log));
  EXPECT_EQ(json["circuits"][0]["circuit"], "mains");
  EXPECT_GT(json["circuits"][0]["phases"]["L1"]["peak"].get<double>(), 15.9);  // the car drew 16 A
  fs::remove_all(dir);
}

// The P1 meters (not on a bus) are announced like the buses: where each is served, the same
// place the rewritten site file points the gateway at.
struct P1Case {
  const char* site;      // tests/links/sites/<site>.yaml
  const char* printed;   // how the line for meter `grid` starts after "meter grid: "
  const char* site_key;  // what the rewritten site file carries for it
};

void PrintTo(const P1Case& c, std::ostream* os) { *os << c.site; }

class SimulateVerbP1 : public ::testing::TestWithParam<P1Case> {};

TEST_P(SimulateVerbP1, PrintsWhereEachP1MeterIsServed) {
  const auto& c = GetParam();
  const fs::path dir = fs::temp_directory_path() / ("ampgate-sim-p1-" + std::to_string(getpid()) + "-" + c.site);
  fs::create_directories(dir);
  const std::string out = (dir / "out.txt").string(), site = (dir / "sim-site.yaml").string();
  const std::string site_in = std::string(AMPGATE_SOURCE_DIR) + "/tests/links/sites/" + c.site + ".yaml";
  const std::string scenario = std::string(AMPGATE_SOURCE_DIR) + "/tests/links/scenarios/home-step.yaml";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout)) _exit(126);
    execl(AMPGATE_BINARY, AMPGATE_BINARY, "simulate", site_in.c_str(), "--scenario", scenario.c_str(), "--write-site",
          site.c_str(), "--tcp-ephemeral", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (slurp(out).find("simulating") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string printed = slurp(out), written = slurp(site);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  fs::remove_all(dir);
  const std::string line = std::string("meter grid: ") + c.printed;
  const auto at = printed.find(line);
  ASSERT_NE(at, std::string::npos) << printed;
  // The endpoint printed is the one the gateway is pointed at: the pty's number or the port.
  std::string rest = printed.substr(at + line.size(), printed.find('\n', at) - at - line.size());
  rest = rest.substr(0, rest.find('/'));
  ASSERT_FALSE(rest.empty()) << printed;
  EXPECT_NE(written.find(std::string(c.site_key) + rest), std::string::npos) << printed << "site file:\n" << written;
}

INSTANTIATE_TEST_SUITE_P(
    Links, SimulateVerbP1,
    ::testing::Values(P1Case{"home-p1-serial", "P1 serial on /dev/pts/", "port: /dev/pts/"},
                      P1Case{"home-p1-tcp", "P1 over TCP on 127.0.0.1:", "port: "},
                      P1Case{"home-p1-homewizard", "HomeWizard P1 on http://127.0.0.1:", "port: "}),
    [](const ::testing::TestParamInfo<P1Case>& info) {
      std::string n = info.param.site;
      for (auto& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

}  // namespace
