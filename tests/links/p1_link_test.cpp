// The P1 link as the control loop sees it: telegrams over a real pty and a loopback TCP
// socket become readings stamped with the time they hold; rejected telegrams never do; the
// runtime builds the link for a site meter and calls its on_meter_sample hook on the loop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pty.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>

#include <asio/executor_work_guard.hpp>

#include "drivers/p1/crc16.h"
#include "drivers/p1/telegram.h"
#include "gateway/config_load.h"
#include "gateway/daemon/site_runtime.h"
#include "gateway/daemon/snapshot.h"
#include "gateway/links/link_meter.h"
#include "gateway/links/p1_link.h"
#include "gateway/links/serial_autodetect.h"
#include "tests/support/pty.h"

using namespace ampgate;
using namespace ampgate::gateway;
using namespace ampgate::gateway::links;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

std::string telegram(const std::string& lines, bool bad_crc = false) {
  const std::string body = "/TST5TEST\r\n\r\n1-3:0.2.8(50)\r\n" + lines + "!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X\r\n", drivers::p1::crc16(body) ^ (bad_crc ? 1u : 0u));
  return body + crc;
}

// "YYMMDDhhmmssW" for `t`, as a meter on winter time would stamp it (the parser takes the
// flag as given, so the season need not match the date for this test).
std::string stamp(system_clock::time_point t) {
  const auto local = std::chrono::floor<std::chrono::seconds>(t) + 1h;
  const std::time_t tt = system_clock::to_time_t(local);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[16];
  std::strftime(b, sizeof b, "%y%m%d%H%M%S", &tm);
  return std::string(b) + "W";
}

// L1 imports 7 A (1.61 kW), L2 exports 4 A (0.92 kW), L3 idle.
const std::string lines = "1-0:32.7.0(230.0*V)\r\n1-0:52.7.0(230.0*V)\r\n1-0:72.7.0(230.0*V)\r\n"
                          "1-0:31.7.0(007*A)\r\n1-0:51.7.0(004*A)\r\n1-0:71.7.0(000*A)\r\n"
                          "1-0:21.7.0(01.610*kW)\r\n1-0:41.7.0(00.000*kW)\r\n1-0:61.7.0(00.000*kW)\r\n"
                          "1-0:22.7.0(00.000*kW)\r\n1-0:42.7.0(00.920*kW)\r\n1-0:62.7.0(00.000*kW)\r\n";

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    ASSERT_GT(n, 0);
    off += static_cast<std::size_t>(n);
  }
}

using ampgate::test::Pty;

struct Collected {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<MeterUpdate> updates;
  void add(MeterUpdate u) {
    std::lock_guard lock(mutex);
    updates.push_back(std::move(u));
    cv.notify_all();
  }
  // The first update with a reading, waiting at most `limit`.
  std::optional<MeterUpdate> reading(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    std::optional<MeterUpdate> found;
    cv.wait_for(lock, limit, [&] {
      for (const auto& u : updates)
        if (u.reading) found = u;
      return found.has_value();
    });
    return found;
  }
};

}  // namespace

TEST(P1SampleTime, OwnTimestampWhenBothClocksAgreeElseArrival) {
  const auto arrival = drivers::Clock::now();
  const auto wall = system_clock::now();
  EXPECT_EQ(p1_sample_time(arrival, wall, std::nullopt), arrival) << "no timestamp: arrival";
  EXPECT_EQ(p1_sample_time(arrival, wall, wall - 3s), arrival - 3s) << "buffered 3 s: as old as the meter says";
  EXPECT_EQ(p1_sample_time(arrival, wall, wall + 2s), arrival) << "a little ahead: never fresher than arrival";
  EXPECT_EQ(p1_sample_time(arrival, wall, wall - 10min), arrival) << "a meter clock 10 min off is not believed";
  EXPECT_EQ(p1_sample_time(arrival, wall, wall + 1h), arrival) << "nor one an hour ahead (season flag wrong)";
}

TEST(P1Link, BadTelegramsNeverBecomeReadingsAndGoodOnesCarryTheirOwnTime) {
  Pty pty;
  ASSERT_FALSE(pty.path.empty());
  const int master = pty.master;
  const std::string name = pty.path;
  Collected got;
  P1Link link(std::make_unique<drivers::p1::SerialSource>(name, false), P1LinkTiming{200ms, 0ms, 50ms},
              [&](MeterUpdate u) { got.add(std::move(u)); });
  link.start();
  // A bad CRC and a nan under a valid CRC first: neither may give a reading.
  write_all(master, telegram("1-0:31.7.0(030*A)\r\n", true));
  write_all(master, telegram("1-0:1.7.0(nan*kW)\r\n1-0:31.7.0(030*A)\r\n"));
  write_all(master, telegram("0-0:1.0.0(" + stamp(system_clock::now() - 5s) + ")\r\n" + lines));
  const auto u = got.reading(5000ms);
  link.stop();
  ASSERT_TRUE(u) << "no reading from the link";
  EXPECT_EQ(u->bad, 2u) << u->last_error;
  const auto& r = *u->reading;
  ASSERT_TRUE(r.current[0] && r.current[1] && r.current[2]);
  EXPECT_DOUBLE_EQ(r.current[0]->value, 7.0) << "the 30 A of the rejected telegrams must not appear";
  EXPECT_DOUBLE_EQ(r.current[1]->value, -4.0) << "exporting phase";
  // The meter stamped it 5 s before it was sent (whole seconds): it holds from then.
  EXPECT_LE(r.current[0]->at, drivers::Clock::now() - 4s);
  for (const auto& u2 : got.updates)
    if (u2.reading) {
      EXPECT_DOUBLE_EQ(u2.reading->current[0]->value, 7.0);
    }
}

TEST(AutodetectSerialSource, TriesTheOtherLineSettingsWhenThePortStaysSilent) {
  Pty pty;
  ASSERT_FALSE(pty.path.empty());
  const int master = pty.master;
  const std::string name = pty.path;
  AutodetectSerialSource source(name, 300ms);
  EXPECT_NE(source.describe().find("115200 8N1"), std::string::npos) << "DSMR 4/5 first";
  // Silent for longer than the patience: the port is reopened as DSMR 2.2 (9600 7E1).
  for (int i = 0; i < 10 && source.describe().find("9600 7E1") == std::string::npos; ++i) (void)source.read(100ms);
  EXPECT_NE(source.describe().find("9600 7E1"), std::string::npos) << source.describe();
  // Reading goes on after the switch (a pty ignores line settings; a real meter would
  // only now be readable), and the counts carry over.
  write_all(master, telegram("1-0:31.7.0(007*A)\r\n", true));
  write_all(master, telegram(lines));
  drivers::p1::P1Result r;
  for (int i = 0; i < 20 && !r.telegram; ++i) r = source.read(100ms);
  ASSERT_TRUE(r.telegram) << r.error;
  EXPECT_EQ(source.counters().good, 1u);
  EXPECT_EQ(source.counters().bad, 1u);
  EXPECT_NE(source.describe().find("9600 7E1"), std::string::npos) << "a setting that works is kept";
}

TEST(LinkMeter, InvertedFlipsSignsAndCountsFailures) {
  LinkMeter meter("grid", "p1_tcp", true);
  MeterUpdate u;
  u.bad = 3;
  u.last_error = "tcp 127.0.0.1:1: CRC mismatch";
  EXPECT_FALSE(meter.accept(u));
  EXPECT_EQ(meter.stats().failed_replies, 3u);
  EXPECT_FALSE(meter.reading().current[0]) << "no reading is not a zero reading";
  drivers::MeterReading r;
  r.current[0] = drivers::Sample{5.0, drivers::Clock::now()};
  r.import_energy = drivers::Sample{100.0, drivers::Clock::now()};
  u.reading = r;
  u.good = 1;
  EXPECT_TRUE(meter.accept(u));
  EXPECT_DOUBLE_EQ(meter.reading().current[0]->value, -5.0);
  EXPECT_TRUE(meter.reading().export_energy);
  EXPECT_FALSE(meter.reading().import_energy);
  EXPECT_TRUE(meter.poll(drivers::PollLevel::fast).empty()) << "its link reads it, not the bus";
}

// DSMR 2.2/3.0 carry power but no per-phase currents. Net power is not taken as a current
// (one phase may import a fuse's worth while solar exports on the others): the telegram is
// refused with a message that says so, counted, and the meter's reading never gets a value.
TEST(LinkMeter, ATelegramWithoutPerPhaseCurrentsIsRefusedWithAClearError) {
  std::ifstream in(std::string(AMPGATE_SOURCE_DIR) + "/tests/drivers_meters/telegrams/v22.txt", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = drivers::p1::parse_telegram(text, drivers::Clock::now());
  ASSERT_TRUE(parsed.telegram) << parsed.error;
  ASSERT_TRUE(parsed.telegram->reading.power_total) << "the 2.2 telegram carries power";
  LinkMeter meter("grid", "p1_serial", false);
  MeterUpdate u;
  u.reading = parsed.telegram->reading;
  u.good = 1;
  EXPECT_FALSE(meter.accept(u)) << "not a sample the loop may decide on";
  EXPECT_EQ(meter.stats().failed_replies, 1u);
  EXPECT_EQ(meter.stats().good_replies, 0u);
  EXPECT_NE(meter.stats().last_error.find("no per-phase currents"), std::string::npos) << meter.stats().last_error;
  EXPECT_NE(meter.stats().last_error.find("meter_lost_fallback"), std::string::npos);
  EXPECT_FALSE(meter.reading().power_total) << "nothing of it reaches the reading";
  for (int p = 0; p < 3; ++p) EXPECT_FALSE(meter.reading().current[p]);
  u.good = 2;
  EXPECT_FALSE(meter.accept(u));
  EXPECT_EQ(meter.stats().failed_replies, 2u) << "each one counted";
}

TEST(SiteRuntimeLinks, P1TcpMeterFeedsTheSnapshotAndCallsTheHook) {
  // A ser2net stand-in on loopback.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  const int port = ntohs(a.sin_port);

  auto loaded = config::load_site_text(R"(site: {name: t, phases: 3, mains_fuse: 25, mains_meter: grid}
meters:
  - {id: grid, model: p1_tcp, host: 127.0.0.1, port: )" + std::to_string(port) + R"(, role: mains}
buses: [{id: lan, tcp: {host: 127.0.0.1, port: 9, timeout: 0.2}}]
chargers: [{id: c, model: vestel_evc04, bus: lan, max_current: 16}]
)", "t.yaml");
  ASSERT_TRUE(loaded.site) << (loaded.problems.empty() ? "" : loaded.problems[0].format());
  asio::io_context io;
  SiteRuntime rt(*loaded.site, io);
  std::vector<std::string> hooked;
  rt.on_meter_sample([&](const std::string& id) { hooked.push_back(id); });
  ASSERT_FALSE(meter_currents(*rt.find_meter("grid"), 3, SteadyClock::now(), 2s)) << "stale before any telegram";
  rt.start();
  const int client = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(client, 0);
  write_all(client, telegram(lines));
  auto work = asio::make_work_guard(io);  // run_for waits for posts instead of returning at once
  for (int i = 0; i < 100 && hooked.empty(); ++i) io.run_for(50ms);  // bounded: 5 s
  rt.stop();
  ::close(client);
  ::close(listener);
  ASSERT_EQ(hooked, std::vector<std::string>{"grid"}) << "the hook runs on the loop once per new reading";
  const auto r = meter_currents(*rt.find_meter("grid"), 3, SteadyClock::now(), 2s);
  ASSERT_TRUE(r) << "the P1 meter's reading did not reach the snapshot";
  EXPECT_DOUBLE_EQ(r->amps[0], 7.0);
  EXPECT_DOUBLE_EQ(r->amps[1], -4.0);
  EXPECT_DOUBLE_EQ(r->amps[2], 0.0);

  // A reload builds a new runtime: it starts with the last reading (same times), not stale.
  SiteRuntime reloaded(*loaded.site, io);
  EXPECT_FALSE(meter_currents(*reloaded.find_meter("grid"), 3, SteadyClock::now(), 2s));
  reloaded.carry_link_readings(rt);
  const auto carried = meter_currents(*reloaded.find_meter("grid"), 3, SteadyClock::now(), 2s);
  ASSERT_TRUE(carried);
  EXPECT_EQ(carried->at, r->at) << "carried values keep their own time, so they still age";
  EXPECT_DOUBLE_EQ(carried->amps[1], -4.0);
}
