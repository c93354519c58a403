// `ampgate scan` against a loopback Modbus TCP bus with several devices, run as the real
// binary; identify_unit() against the in-memory bank.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drivers/chargers/identify.h"
#include "tests/drivers_chargers/fake_client.h"
#include "tests/drivers_chargers/tcp_peer.h"
#include "tests/support/run_program.h"

namespace ampgate {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

test::TcpPeer::Unit teltocharge() {
  test::TcpPeer::Unit u;
  u.holding_count = 45;
  u.holding = {{9, 21571}, {23, 2210}};
  return u;
}
test::TcpPeer::Unit keba() {
  test::TcpPeer::Unit u;
  u.holding_start = 1000;
  u.holding_count = 700;
  u.holding = {{1016, 304111 >> 16}, {1017, 304111 & 0xffff}};
  return u;
}
test::TcpPeer::Unit vestel() {
  test::TcpPeer::Unit u;
  u.input_start = 0;
  u.input_count = 1600;
  u.input = {{404, 1}, {1000, 0}, {1002, 1}};
  return u;
}
test::TcpPeer::Unit sdm_meter() {
  test::TcpPeer::Unit u;
  u.input_count = 100;
  u.input = {{0, 0x4366}, {1, 0x0000}};  // 230.0 V
  return u;
}

TEST(Scan, FindsTheDevicesOfABusAndPrintsSiteLines) {
  test::TcpPeer bus({{3, teltocharge()}, {7, vestel()}, {11, sdm_meter()}, {12, {}}, {255, keba()}});
  auto r = test::run_program(AMPGATE_BINARY, {"scan", "--host", "127.0.0.1", "--tcp-port", std::to_string(bus.port()),
                                              "--ids", "1-13,255", "--timeout-ms", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("host: 127.0.0.1"));
  EXPECT_THAT(r.out, HasSubstr("model: teltocharge\n    bus: scanned\n    unit: 3\n"));
  EXPECT_THAT(r.out, HasSubstr("product EVC2210"));
  EXPECT_THAT(r.out, HasSubstr("model: vestel_evc04\n    bus: scanned\n    unit: 7\n"));
  EXPECT_THAT(r.out, HasSubstr("model: keba_p30\n    bus: scanned\n    unit: 255\n"));
  EXPECT_THAT(r.out, HasSubstr("meters:\n  - id: sdm630-11"));
  EXPECT_THAT(r.out, HasSubstr("# unit 12: answers, but matches no known signature"));
  EXPECT_THAT(r.out, Not(HasSubstr("unit: 5\n")));
  EXPECT_THAT(r.err, HasSubstr("unit 3: teltocharge"));
  EXPECT_EQ(bus.writes(), 0);  // a scan never writes
}

TEST(Scan, SaysWhenNothingAnswers) {
  test::TcpPeer bus({});
  auto r = test::run_program(AMPGATE_BINARY, {"scan", "--host", "127.0.0.1", "--tcp-port", std::to_string(bus.port()),
                                              "--ids", "1-3", "--timeout-ms", "20"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no device answered"));
}

// Issue 14: scan asks the device registry what it found: the model as the site file
// describes it and what its driver can do.
TEST(Scan, DescribesEachFoundModelFromTheRegistry) {
  test::TcpPeer bus({{3, teltocharge()}, {255, keba()}});
  auto r = test::run_program(AMPGATE_BINARY, {"scan", "--host", "127.0.0.1", "--tcp-port", std::to_string(bus.port()),
                                              "--ids", "3,255", "--timeout-ms", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("unit: 255\n    # KEBA KeContact P30 c/x-series, Modbus TCP; can: pause"));
  EXPECT_THAT(r.out, HasSubstr("unit: 3\n    # Teltonika TeltoCharge, external control over RS485; can: "));
}

TEST(Scan, RefusesBadArguments) {
  for (std::vector<std::string> args : {std::vector<std::string>{"scan"},
                                        {"scan", "--port", "/dev/null", "--host", "x"},
                                        {"scan", "--port", "/dev/null", "--ids", "0-300"},
                                        {"scan", "--port", "/dev/null", "--parity", "X"},
                                        {"scan", "--host", "h", "--bogus", "1"}}) {
    auto r = test::run_program(AMPGATE_BINARY, args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_THAT(r.err, HasSubstr("usage: ampgate scan"));
  }
}

TEST(Scan, ReportsAPortThatCannotBeOpened) {
  auto r = test::run_program(AMPGATE_BINARY, {"scan", "--port", "/nonexistent/tty", "--baud", "9600", "--ids", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot use /nonexistent/tty"));
}

TEST(Identify, SilentUnitIsAbsentAndExceptionOnlyUnitIsUnknown) {
  test::FakeClient c;
  auto u = drivers::identify_unit(c, 4);  // answers, but only with exceptions
  ASSERT_TRUE(u);
  EXPECT_EQ(u->kind, drivers::Identified::Kind::unknown);
  c.silent = true;
  EXPECT_FALSE(drivers::identify_unit(c, 4));
}

TEST(Identify, TeltoChargeIsCertainAndOthersAreGuesses) {
  test::FakeClient c;
  c.holding(1, 9, {21571});
  auto t = drivers::identify_unit(c, 1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->model, "teltocharge");
  EXPECT_TRUE(t->certain);
  c.holding(2, 9, {0});
  c.holding(2, 0, {2, 0, 130, 1, 0, 1, 0, 20, 0, 0, 20, 4242});
  c.holding(2, 0x0100, {0, 2, 6, 20});
  auto s = drivers::identify_unit(c, 2);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->model, "smartevse");
  EXPECT_FALSE(s->certain);
  for (const auto& rq : c.log) EXPECT_FALSE(rq.is_write());
}

}  // namespace
}  // namespace ampgate
