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
  std::ofstream(dir / "scenario.yaml") << "evs:\n  - {charger: c1}\n";
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

}  // namespace
