// P1 sources over real transports: a pty pair for the serial port, a loopback TCP socket
// for ser2net-style sharing, and a loopback cpp-httplib server for the HomeWizard API.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pty.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/p1/source.h"
#include "tests/support/pty.h"

using namespace ampgate::drivers;
using namespace ampgate::drivers::p1;
using namespace std::chrono_literals;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(AMPGATE_SOURCE_DIR) + "/tests/drivers_meters/telegrams/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    ASSERT_GT(n, 0) << std::strerror(errno);
    off += static_cast<std::size_t>(n);
  }
}

using ampgate::test::Pty;

}  // namespace

TEST(SerialSource, ReadsTelegramsWrittenIntoAPty) {
  Pty pty;
  ASSERT_FALSE(pty.path.empty());
  SerialSource source(pty.path, false);
  EXPECT_NE(source.describe().find("115200 8N1"), std::string::npos);
  write_all(pty.master, "\x01\x02 noise " + fixture("v50.txt"));
  const auto r = source.read(2000ms);
  ASSERT_TRUE(r.telegram.has_value()) << r.error;
  EXPECT_EQ(r.telegram->version, "50");
  ASSERT_TRUE(r.telegram->reading.current[1].has_value());
  EXPECT_DOUBLE_EQ(r.telegram->reading.current[1]->value, -8.0);
  EXPECT_EQ(source.counters().good, 1u);

  // A corrupted telegram followed by a good one: the bad one is counted, the good one used.
  write_all(pty.master, fixture("bad_crc.txt") + fixture("v42.txt"));
  const auto r2 = source.read(2000ms);
  ASSERT_TRUE(r2.telegram.has_value()) << r2.error;
  EXPECT_EQ(r2.telegram->version, "42");
  EXPECT_EQ(source.counters().bad, 1u);
  EXPECT_NE(source.counters().last_error.find("CRC"), std::string::npos);

  // Only a bad telegram: no reading, an error naming the port.
  write_all(pty.master, fixture("bad_crc.txt"));
  const auto r3 = source.read(300ms);
  EXPECT_FALSE(r3.telegram.has_value());
  EXPECT_NE(r3.error.find(pty.path), std::string::npos) << r3.error;
  EXPECT_EQ(source.counters().bad, 2u);
}

TEST(SerialSource, Dsmr22LineSettings) {
  Pty pty;
  ASSERT_FALSE(pty.path.empty());
  SerialSource source(pty.path, true);
  EXPECT_NE(source.describe().find("9600 7E1"), std::string::npos);
  write_all(pty.master, fixture("v22.txt"));
  const auto r = source.read(2000ms);
  ASSERT_TRUE(r.telegram.has_value()) << r.error;
  EXPECT_FALSE(r.telegram->crc_checked);
  // A pty keeps its own character size, parity and speed whatever is asked, so the 7E1
  // settings themselves can only be checked on a real adapter.
}

TEST(SerialSource, MissingPortIsAnErrorNamingIt) {
  SerialSource source("/dev/ampgate-no-such-port", false);
  const auto r = source.read(100ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("/dev/ampgate-no-such-port"), std::string::npos);
  EXPECT_NE(r.error.find("cannot open"), std::string::npos);
}

TEST(SerialSource, TimesOutWhenTheMeterIsSilent) {
  Pty pty;
  SerialSource source(pty.path, false);
  const auto r = source.read(150ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("no good telegram within 150 ms"), std::string::npos) << r.error;
}

TEST(TcpSource, ReadsFromALoopbackSocketAndReconnects) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);

  TcpSource source("127.0.0.1", port);
  // Nothing sent yet: connects (the kernel completes the handshake), then times out.
  const auto empty = source.read(100ms);
  EXPECT_FALSE(empty.telegram.has_value());
  int conn = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  write_all(conn, fixture("garbage_between.txt"));
  // The bytes may arrive in several pieces; each read returns the newest good telegram so far.
  std::vector<std::string> versions;
  for (int i = 0; i < 3 && (versions.empty() || versions.back() != "50217"); ++i) {
    const auto r = source.read(2000ms);
    ASSERT_TRUE(r.telegram.has_value()) << r.error;
    versions.push_back(r.telegram->version);
  }
  EXPECT_EQ(versions.back(), "50217");
  EXPECT_EQ(source.counters().good, 3u);
  EXPECT_EQ(source.counters().bad, 1u) << "the telegram cut off by the next one";

  // The server goes away: an error, then a new connection on the next read.
  ::close(conn);
  const auto closed = source.read(1000ms);
  EXPECT_FALSE(closed.telegram.has_value());
  EXPECT_NE(closed.error.find("closed"), std::string::npos) << closed.error;
  (void)source.read(50ms);  // reconnects, nothing to read yet
  conn = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  write_all(conn, fixture("v42.txt"));
  const auto again = source.read(2000ms);
  ASSERT_TRUE(again.telegram.has_value()) << again.error;
  EXPECT_EQ(again.telegram->version, "42");
  ::close(conn);
  ::close(listener);
}

TEST(TcpSource, RefusedConnectionIsAnError) {
  // Bind a port and close it again so that nothing listens there.
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(s);
  TcpSource source("127.0.0.1", ntohs(addr.sin_port));
  const auto r = source.read(500ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("cannot connect"), std::string::npos) << r.error;
}

namespace {

struct HomeWizardServer {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::string body;
  int status = 200;
  HomeWizardServer() {
    server.Get("/api/v1/data", [this](const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_content(body, "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    // The socket already listens (requests queue); wait until the loop runs so that stop()
    // in the destructor cannot come before it and leave listen_after_bind() blocked.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  }
  ~HomeWizardServer() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST(HomeWizardSource, ReadsTheLocalApi) {
  HomeWizardServer hw;
  ASSERT_GT(hw.port, 0);
  hw.body = R"({"smr_version":50,"meter_model":"Test meter","unique_id":"00112233",
    "active_tariff":2,"total_power_import_t1_kwh":100.5,"total_power_import_t2_kwh":200.25,
    "total_power_export_t1_kwh":1.0,"total_power_export_t2_kwh":2.0,
    "active_power_w":-466,"active_power_l1_w":1150,"active_power_l2_w":-1616,"active_power_l3_w":0,
    "active_voltage_l1_v":230.0,"active_voltage_l2_v":231.0,"active_voltage_l3_v":229.0,
    "active_current_l1_a":5,"active_current_l2_a":7,"active_current_l3_a":0})";
  HomeWizardSource source("127.0.0.1", hw.port);
  const auto r = source.read(2000ms);
  ASSERT_TRUE(r.telegram.has_value()) << r.error;
  const auto& rd = r.telegram->reading;
  EXPECT_EQ(r.telegram->version, "50");
  ASSERT_TRUE(rd.current[1].has_value());
  EXPECT_NEAR(rd.current[1]->value, -7.0, 1e-9) << "exporting phase";
  ASSERT_TRUE(rd.current[0].has_value());
  EXPECT_NEAR(rd.current[0]->value, 5.0, 1e-9);
  ASSERT_TRUE(rd.power_total.has_value());
  EXPECT_EQ(rd.power_total->value, -466.0);
  ASSERT_TRUE(rd.import_energy.has_value());
  EXPECT_NEAR(rd.import_energy->value, 300750.0, 1e-6);
  ASSERT_TRUE(rd.export_energy.has_value());
  EXPECT_NEAR(rd.export_energy->value, 3000.0, 1e-6);
  EXPECT_EQ(source.counters().good, 1u);
}

TEST(HomeWizardSource, SinglePhaseFieldsMissingStayAbsent) {
  HomeWizardServer hw;
  hw.body = R"({"active_power_w":690,"active_power_l1_w":690,"active_voltage_l1_v":230,"active_current_l1_a":3})";
  HomeWizardSource source("127.0.0.1", hw.port);
  const auto r = source.read(2000ms);
  ASSERT_TRUE(r.telegram.has_value()) << r.error;
  EXPECT_FALSE(r.telegram->reading.current[1].has_value());
  EXPECT_FALSE(r.telegram->reading.import_energy.has_value());
}

TEST(HomeWizardSource, ErrorsAreCountedAndExplained) {
  HomeWizardServer hw;
  hw.status = 403;
  HomeWizardSource source("127.0.0.1", hw.port);
  auto r = source.read(2000ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("Local API"), std::string::npos) << r.error;
  hw.status = 200;
  hw.body = "<html>not json</html>";
  r = source.read(2000ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("JSON"), std::string::npos) << r.error;
  EXPECT_EQ(source.counters().bad, 2u);
  EXPECT_EQ(source.counters().good, 0u);
}

TEST(HomeWizardSource, UnreachableDeviceIsAnError) {
  int port = 0;
  {
    HomeWizardServer hw;
    port = hw.port;
  }  // stopped: nothing listens any more
  HomeWizardSource source("127.0.0.1", port);
  const auto r = source.read(500ms);
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("127.0.0.1"), std::string::npos) << r.error;
}
