// The poll-round arithmetic `ampgate check` prints: frame sizes from the Modbus RTU framing,
// line time from baud and character bits, and the warnings a user acts on.
#include "gateway/bus/poll_timing.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

modbus::Request read(modbus::Function f, std::uint16_t count) {
  modbus::Request r;
  r.function = f;
  r.count = count;
  return r;
}

// 20 chargers reading a 41-register status block and a meter reading 54 input registers,
// as the TeltoCharge fleet of examples/fleet-20-teltocharge.yaml does.
std::vector<PolledDevice> fleet() {
  std::vector<PolledDevice> d{{"building", true, {read(modbus::Function::read_input, 54)}}};
  for (int i = 0; i < 20; ++i) d.push_back({"bay-" + std::to_string(i), false, {read(modbus::Function::read_holding, 41)}});
  return d;
}

TEST(PollTiming, FrameSizesFollowRtuFraming) {
  EXPECT_EQ(request_bytes(read(modbus::Function::read_holding, 41)), 8);
  EXPECT_EQ(response_bytes(read(modbus::Function::read_holding, 41)), 5 + 82);
  EXPECT_EQ(response_bytes(read(modbus::Function::read_coils, 9)), 5 + 2);
  modbus::Request w;
  w.function = modbus::Function::write_multiple;
  w.values = {1, 2, 3};
  EXPECT_EQ(request_bytes(w), 9 + 6);
  EXPECT_EQ(response_bytes(w), 8);
}

TEST(PollTiming, LineTimeIsBytesTimesCharacterBitsOverBaudPlusSilences) {
  // 95 bytes of 10 bits at 9600 baud, and 3.5 characters of silence after each frame.
  EXPECT_NEAR(transaction_seconds(read(modbus::Function::read_holding, 41), {9600, 10, 0}), 0.0990 + 0.0073, 0.0002);
  // 8E1 has 11 bits a character; above 19200 baud the silence is fixed at 1.75 ms.
  EXPECT_NEAR(transaction_seconds(read(modbus::Function::read_holding, 41), {38400, 11, 0.005}),
              95 * 11 / 38400.0 + 0.0035 + 0.005, 1e-6);
}

TEST(PollTiming, TwentyChargersAndAMeterFitA9600BaudLineWithAOneSecondPeriod) {
  auto t = bus_timing("rs485", {9600, 10, 0}, fleet(), {1.0, 5.0});
  EXPECT_DOUBLE_EQ(t.meter_interval, 0.25);
  EXPECT_NEAR(t.meter_share, 0.133 / 0.25, 0.01);       // the meter takes about half the line
  EXPECT_NEAR(t.meter_gap, 0.25 + 0.106, 0.005);        // a meter waits for at most one charger read
  EXPECT_NEAR(t.charger_round, 20 * 0.106 / (1 - 0.533), 0.1);
  EXPECT_EQ(t.chargers, 20);
  EXPECT_TRUE(t.warnings.empty()) << t.warnings.front();
}

TEST(PollTiming, WarnsWhenChargerReadingsAgeBeyondTheMeterStaleTime) {
  auto t = bus_timing("rs485", {9600, 10, 0}, fleet(), {1.0, 3.0});
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("reading every charger once takes 4.5"), std::string::npos) << t.warnings[0];
  EXPECT_NE(t.warnings[0].find("policy.meter_stale_after 3.00 s"), std::string::npos) << t.warnings[0];
}

TEST(PollTiming, WarnsWhenAMeterCannotBeReadEveryControlPeriod) {
  // At 1200 baud one meter read alone takes about a second.
  auto t = bus_timing("slow", {1200, 10, 0}, fleet(), {1.0, 3.0});
  ASSERT_FALSE(t.warnings.empty());
  EXPECT_NE(t.warnings[0].find("longer than policy.control_period 1.00 s"), std::string::npos) << t.warnings[0];
  bool stale = false, old_readings = false;
  for (const auto& w : t.warnings) {
    stale |= w.find("single failed reads make it stale") != std::string::npos;
    old_readings |= w.find("reading every charger once takes") != std::string::npos;
  }
  EXPECT_TRUE(stale);
  EXPECT_TRUE(old_readings);
  // The meters do not take the whole line: one charger read follows each meter read.
  EXPECT_LT(t.meter_share, 0.6);
}

TEST(PollTiming, ABusWithoutMetersHasOnlyAChargerRound) {
  auto devices = fleet();
  devices.erase(devices.begin());
  auto t = bus_timing("chargers", {38400, 11, 0}, devices, {1.0, 5.0});
  EXPECT_EQ(t.meter_gap, 0.0);
  EXPECT_NEAR(t.charger_round, 20 * (95 * 11 / 38400.0 + 0.0035), 1e-6);
  EXPECT_TRUE(t.warnings.empty());
}

}  // namespace
}  // namespace ampgate::gateway
