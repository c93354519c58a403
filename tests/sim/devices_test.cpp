// Device models answer like the vendors' manuals say: register layout, range checks with
// exception 3, watchdogs falling back to the failsafe current.
#include <gtest/gtest.h>

#include "gateway/sim/device.h"
#include "tests/sim/pdu.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;

std::unique_ptr<SimCharger> charger(const std::string& id) {
  const auto site = small_site();
  std::string error;
  auto c = make_charger(*site.find_charger(id), error);
  EXPECT_TRUE(c) << error;
  return c;
}

std::unique_ptr<SimMeter> meter(const std::string& id) {
  const auto site = small_site();
  std::string error;
  auto m = make_meter(*site.find_meter(id), error);
  EXPECT_TRUE(m) << error;
  return m;
}

TEST(TeltoCharge, AnswersTheWholeMapWithItsIdAndDefaults) {
  auto c = charger("a");
  const auto regs = words(c->serve(read_pdu(3, 0, 45), 0));
  ASSERT_EQ(regs.size(), 45u);
  EXPECT_EQ(regs[9], 21571);  // "TC"
  EXPECT_EQ(regs[12], 16);    // amp limit = the install's max current
  EXPECT_EQ(regs[19], 30);    // communication timeout default
  EXPECT_EQ(regs[20], 6);     // failsafe current default
  EXPECT_EQ(regs[6], 7);      // state A: no EV
}

TEST(TeltoCharge, ReadingPastRegister44IsAnAddressError) {
  auto c = charger("a");
  EXPECT_TRUE(is_exception(c->serve(read_pdu(3, 40, 6), 0), ex_illegal_address));
  EXPECT_TRUE(is_exception(c->serve(read_pdu(4, 0, 2), 0), ex_illegal_function));
}

TEST(TeltoCharge, OutOfRangeWritesAreRejectedWithException3AndChangeNothing) {
  auto c = charger("a");
  EXPECT_TRUE(is_exception(c->serve(write_pdu(15, 5), 0), ex_illegal_value));   // 1..5 A is no valid current
  EXPECT_TRUE(is_exception(c->serve(write_pdu(15, 33), 0), ex_illegal_value));
  EXPECT_TRUE(is_exception(c->serve(write_pdu(19, 601), 0), ex_illegal_value));
  EXPECT_TRUE(is_exception(c->serve(write_pdu(20, 3), 0), ex_illegal_value));
  // A block write with one bad value is refused as a whole.
  EXPECT_TRUE(is_exception(c->serve(write_multiple_pdu(15, {10, 2}), 0), ex_illegal_value));
  EXPECT_EQ(words(c->serve(read_pdu(3, 15, 2), 0)), (std::vector<std::uint16_t>{16, 0}));
  // Read-only registers cannot be written.
  EXPECT_TRUE(is_exception(c->serve(write_pdu(9, 1), 0), ex_illegal_address));
}

TEST(TeltoCharge, AmpsToUseLimitsTheCharger) {
  auto c = charger("a");
  EXPECT_EQ(c->serve(write_pdu(15, 10), 0), write_pdu(15, 10));  // FC6 answers with the echo
  EXPECT_DOUBLE_EQ(c->drive(1).limit, 10.0);
  c->serve(write_pdu(15, 0), 1);
  EXPECT_DOUBLE_EQ(c->drive(1).limit, 0.0);
  c->serve(write_multiple_pdu(15, {8, 1}), 2);  // 8 A but stop requested
  EXPECT_DOUBLE_EQ(c->drive(2).limit, 0.0);
}

TEST(TeltoCharge, WatchdogFallsBackToFailsafeAndRecoversWithTraffic) {
  auto c = charger("a");
  c->serve(write_multiple_pdu(19, {5, 8}), 0);  // 5 s timeout, failsafe 8 A
  c->serve(write_pdu(15, 16), 0);
  EXPECT_FALSE(c->watchdog_expired(4.9));
  EXPECT_DOUBLE_EQ(c->drive(4.9).limit, 16.0);
  EXPECT_TRUE(c->watchdog_expired(5.1));
  EXPECT_DOUBLE_EQ(c->drive(5.1).limit, 8.0);
  c->serve(read_pdu(3, 0, 10), 6.0);  // any valid request counts as communication
  EXPECT_DOUBLE_EQ(c->drive(6.0).limit, 16.0);
}

TEST(TeltoCharge, ZeroTimeoutDisablesTheWatchdog) {
  auto c = charger("a");
  c->serve(write_pdu(19, 0), 0);
  EXPECT_FALSE(c->watchdog_expired(1e6));
}

TEST(TeltoCharge, ReportsCurrentsInTenthsAndLifetimeEnergyLowWordFirst) {
  auto c = charger("a");
  ChargerState st;
  st.plugged = st.charging = true;
  st.plug_ins = 1;  // a car was plugged in: a session runs
  st.amps = {12.3, 12.3, 0};
  st.total_kwh = 70000.0;  // 7 000 000 hundredths: needs the second word
  c->observe(st);
  const auto regs = words(c->serve(read_pdu(3, 0, 45), 0));
  EXPECT_EQ(regs[3], 123);
  EXPECT_EQ(regs[5], 0);
  EXPECT_EQ(regs[6], 0);  // C: charging
  const std::uint64_t total = regs[41] | (std::uint64_t{regs[42]} << 16) | (std::uint64_t{regs[43]} << 32);
  EXPECT_EQ(total, 7000000u);
}

TEST(Keba, ReadsOneValueAtATimeAndWritesMilliampsWithFc6) {
  auto c = charger("keba");
  EXPECT_TRUE(is_exception(c->serve(read_pdu(3, 1000, 4), 0), ex_illegal_address));
  EXPECT_EQ(words(c->serve(read_pdu(3, 1110, 2), 0)), (std::vector<std::uint16_t>{0, 16000}));
  EXPECT_TRUE(is_exception(c->serve(write_pdu(5004, 5000), 0), ex_illegal_value));
  EXPECT_TRUE(is_exception(c->serve(write_multiple_pdu(5004, {8000}), 0), ex_illegal_function));
  c->serve(write_pdu(5004, 8000), 0);
  EXPECT_DOUBLE_EQ(c->drive(0).limit, 8.0);
  c->serve(write_pdu(5014, 0), 0);
  EXPECT_DOUBLE_EQ(c->drive(0).limit, 0.0);
}

TEST(Keba, FailsafeTimeoutNeedsWritesAsKeepAlive) {
  auto c = charger("keba");
  c->serve(write_pdu(5016, 6000), 0);
  c->serve(write_pdu(5018, 10), 0);
  c->serve(read_pdu(3, 1000, 2), 9);  // reads do not feed it
  EXPECT_DOUBLE_EQ(c->drive(11).limit, 6.0);
  c->serve(write_pdu(5018, 10), 12);
  EXPECT_DOUBLE_EQ(c->drive(12).limit, 16.0);
}

TEST(Vestel, DynamicCurrentZeroPausesAndFailsafeApplies) {
  auto c = charger("vestel");
  EXPECT_TRUE(is_exception(c->serve(write_pdu(5004, 4), 0), ex_illegal_value));
  c->serve(write_pdu(5004, 0), 0);
  EXPECT_DOUBLE_EQ(c->drive(0).limit, 0.0);
  c->serve(write_pdu(2000, 7), 0);
  c->serve(write_pdu(2002, 20), 0);
  c->serve(write_pdu(5004, 13), 0);
  EXPECT_DOUBLE_EQ(c->drive(10).limit, 13.0);
  EXPECT_DOUBLE_EQ(c->drive(21).limit, 7.0);
  c->serve(write_pdu(6000, 1), 21);  // the alive register
  EXPECT_DOUBLE_EQ(c->drive(22).limit, 13.0);
  // The 107-register status block from 1000 is one read.
  EXPECT_EQ(words(c->serve(read_pdu(4, 1000, 107), 0)).size(), 107u);
}

TEST(Sdm630, FloatsHighWordFirstInRegisterPairsOnly) {
  auto m = meter("grid");
  MeterState st;
  st.amps = {-10.5, 3, 0};
  st.power_w = {-2415, 690, 0};
  m->observe(st);
  EXPECT_TRUE(is_exception(m->serve(read_pdu(4, 0x0007, 2), 0), ex_illegal_address));
  EXPECT_TRUE(is_exception(m->serve(read_pdu(4, 0x0006, 3), 0), ex_illegal_address));
  const auto r = words(m->serve(read_pdu(4, 0x0006, 12), 0));
  ASSERT_EQ(r.size(), 12u);
  EXPECT_FLOAT_EQ(f32(r[0], r[1]), 10.5f);  // current without sign
  EXPECT_FLOAT_EQ(f32(r[6], r[7]), -2415.0f);  // the sign is in the power
}

TEST(P1Dongle, Uint32MilliampsAndSplitImportExport) {
  auto m = meter("dongle");
  MeterState st;
  st.amps = {-4, 2, 0};
  st.power_w = {-920, 460, 0};
  m->observe(st);
  const auto r = words(m->serve(read_pdu(3, 24, 26), 0));
  ASSERT_EQ(r.size(), 26u);
  EXPECT_EQ((r[0] << 16) | r[1], 4000);      // 24: current L1, mA, no direction
  EXPECT_EQ((r[14] << 16) | r[15], 0);       // 38: power delivered L1
  EXPECT_EQ((r[20] << 16) | r[21], 920);     // 44: power returned L1
  EXPECT_EQ((r[16] << 16) | r[17], 460);     // 40: power delivered L2
  EXPECT_TRUE(is_exception(m->serve(read_pdu(4, 0, 2), 0), ex_illegal_function));
}

TEST(Models, UnknownModelsAreNamedInTheError) {
  config::Charger c;
  c.id = "x";
  c.model = "alfen_eve";
  std::string error;
  EXPECT_EQ(make_charger(c, error), nullptr);
  EXPECT_NE(error.find("alfen_eve"), std::string::npos);
}

}  // namespace
}  // namespace ampgate::sim
