// `ampgate status`, the real binary, against an API server on loopback.
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "tests/api/api_fixture.h"
#include "tests/support/run_program.h"

namespace ampgate::test {
namespace {

std::string line_with(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return {};
  const auto start = text.rfind('\n', at) + 1;
  return text.substr(start, text.find('\n', at) - start);
}

// A loopback port that nothing listens on: bound, then closed.
int unused_port() {
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

TEST_F(ApiTest, StatusShowsPhasesChargersMetersAndBuses) {
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Test site"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("healthy"), std::string::npos);
  const std::string l1 = line_with(r.out, "  L1 [");
  EXPECT_NE(l1.find("18.5  / 24.0 A"), std::string::npos) << r.out;
  EXPECT_NE(l1.find("[###############.....]"), std::string::npos) << l1;  // 18.5 of 24 = 15 of 20
  const std::string left = line_with(r.out, "garage-left");
  EXPECT_NE(left.find("charging"), std::string::npos) << left;
  EXPECT_NE(left.find("fast"), std::string::npos) << left;
  EXPECT_NE(left.find("10.0 A x3 -> 9.9 A"), std::string::npos) << left;
  EXPECT_NE(left.find("3.42 kWh"), std::string::npos) << left;
  EXPECT_NE(left.find("circuit garage L2"), std::string::npos) << left;
  EXPECT_NE(line_with(r.out, "  drive").find("unreachable"), std::string::npos) << r.out;
  EXPECT_NE(line_with(r.out, "  garage-meter").find("STALE"), std::string::npos) << r.out;
  EXPECT_NE(line_with(r.out, "  grid").find("fresh"), std::string::npos) << r.out;
  const std::string bus = line_with(r.out, "rs485-1  ");
  EXPECT_NE(bus.find("errors 1.0 %"), std::string::npos) << bus;
  EXPECT_NE(bus.find("busy 35 %"), std::string::npos) << bus;
  EXPECT_NE(bus.find("p99 45 ms"), std::string::npos) << bus;
}

TEST_F(ApiTest, StatusSaysNotHealthyWhenAPhaseIsOverItsFuse) {
  gateway.edit([](api::SiteView& s) { s.mains.measured[0] = 27.5; });
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", "http://127.0.0.1:" + std::to_string(server->port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("NOT HEALTHY: mains L1 carries 27.5 A, over its 25.0 A fuse"), std::string::npos) << r.out;
}

TEST_F(ApiTest, StatusShowsAStaleMainsMeterAsStaleNotZero) {
  gateway.edit([](api::SiteView& s) { s.mains.measured = {std::nullopt, std::nullopt, std::nullopt}; });
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", "http://127.0.0.1:" + std::to_string(server->port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string l2 = line_with(r.out, "  L2 [");
  EXPECT_NE(l2.find("stale"), std::string::npos) << r.out;
  EXPECT_EQ(l2.find("0.0"), std::string::npos) << l2;
}

TEST_F(ApiTest, StatusTellsAStaleCircuitMeterFromAnUnmeteredCircuit) {
  gateway.edit([](api::SiteView& s) {
    api::CircuitView carport;
    carport.id = "carport";
    carport.parent = "mains";
    carport.limit = 32.0;
    s.circuits.push_back(carport);
  });
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", "http://127.0.0.1:" + std::to_string(server->port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(line_with(r.out, "circuit carport"), "  circuit carport (limit 32 A, unmetered)") << r.out;
  EXPECT_EQ(line_with(r.out, "circuit garage"),
            "  circuit garage (limit 20 A, meter garage-meter STALE): L1 stale  L2 stale  L3 stale A")
      << r.out;
}

TEST_F(ApiTest, StatusJsonIsTheApiDocument) {
  auto r = run_program(AMPGATE_BINARY, {"status", "--json", "--url", "http://127.0.0.1:" + std::to_string(server->port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json printed = json::parse(r.out);
  json served = get_json("/api/v1/site");
  printed.erase("loop_last_run");
  served.erase("loop_last_run");
  EXPECT_EQ(printed, served);
}

TEST_F(ApiTest, StatusWithTokenWhenReadsNeedIt) {
  server->stop();
  start_server(/*reads_need_token=*/true);
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  auto denied = run_program(AMPGATE_BINARY, {"status", "--url", url});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("answered 401"), std::string::npos) << denied.err;
  auto ok = run_program(AMPGATE_BINARY, {"status", "--url", url, "--token-file", (dir.path() / "api-token").string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(StatusCli, UnreachableGatewayIsOneLineAndExit1) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_port());
  auto r = run_program(AMPGATE_BINARY, {"status", "--url", url});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err, "ampgate status: cannot reach the gateway at " + url + " (Connection)\n");
}

TEST(StatusCli, BadArgumentIsAUsageError) {
  auto r = run_program(AMPGATE_BINARY, {"status", "--colour"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: ampgate status"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ampgate::test
