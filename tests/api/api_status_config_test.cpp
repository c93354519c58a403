// Issue 14: `ampgate status --config SITE.yaml` finds the API (address, port, token file)
// in the site file, against the real gateway (`ampgate run`) on a loopback port.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {
namespace {

// A loopback port that nothing listens on: bound, then closed.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// A site whose charger and meter sit behind a Modbus TCP address nobody answers on: the
// gateway keeps everything at zero and serves its API all the same. Reads need the token,
// so a status that did not find the token file is refused.
std::string write_site(const std::string& dir, int api_port) {
  const std::string path = dir + "/site.yaml";
  std::ofstream(path) << "site:\n  name: Config Yard\n  phases: 3\n  mains_fuse: 25\n  mains_meter: grid\n"
                         "buses:\n  - id: lan\n    tcp:\n      host: 127.0.0.1\n      port: " << free_port() << "\n"
                         "meters:\n  - id: grid\n    model: sdm630\n    bus: lan\n    unit: 1\n    role: mains\n"
                         "chargers:\n  - id: bay\n    model: keba_p30\n    bus: lan\n    max_current: 16\n"
                         "api:\n  listen: 127.0.0.1\n  port: " << api_port << "\n  token_file: " << dir << "/token\n"
                         "  reads_need_token: true\n"
                         "storage:\n  database: " << dir << "/ampgate.db\n";
  return path;
}

// Starts `ampgate run --config SITE`, waits (bounded) for its API, runs `status ARGS`, then
// stops the gateway by its PID. Exits with status's exit code.
ProgramResult status_against_run(const std::string& dir, const std::string& site, const std::string& status_args) {
  const std::string bin = AMPGATE_BINARY;
  return run_shell(
      "d='" + dir + "'; '" + bin + "' run --config '" + site + "' >\"$d/out\" 2>\"$d/err\" & pid=$!\n"
      "for i in $(seq 600); do grep -q 'api: listening on' \"$d/err\" && break; "
      "  kill -0 $pid 2>/dev/null || break; sleep 0.05; done\n"
      "if ! grep -q 'api: listening on' \"$d/err\"; then echo 'the gateway did not start:' >&2; cat \"$d/err\" >&2; "
      "  kill $pid; wait $pid; exit 99; fi\n"
      "'" + bin + "' status " + status_args + "; rc=$?\n"
      "kill $pid; wait $pid\n"
      "exit $rc\n");
}

TEST(StatusConfig, FindsTheApiAndItsTokenInTheSiteFile) {
  TempDir dir("ampgate-status-config");
  const std::string d = dir.path().string();
  const std::string site = write_site(d, free_port());
  auto r = status_against_run(d, site, "--config '" + site + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ampgate: Config Yard"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  bay"), std::string::npos) << r.out;
}

TEST(StatusConfig, WithoutTheSiteFilesTokenTheSameGatewayRefuses) {
  TempDir dir("ampgate-status-config");
  const std::string d = dir.path().string();
  const int port = free_port();
  const std::string site = write_site(d, port);
  auto r = status_against_run(d, site, "--url http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("answered 401"), std::string::npos) << r.err;
}

TEST(StatusConfig, AnInvalidSiteFileIsAUsageErrorNamingIt) {
  TempDir dir("ampgate-status-config");
  const std::string path = dir.path().string() + "/bad.yaml";
  std::ofstream(path) << "site:\n  name: x\n  mains_fuse: lots\n";
  auto r = run_program(AMPGATE_BINARY, {"status", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the API is not known from " + path), std::string::npos) << r.err;
}

TEST(StatusConfig, UrlAndConfigTogetherAreRefused) {
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", "http://127.0.0.1:1", "--config", "site.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--url"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("usage: ampgate status"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ampgate::test
