// Issue 18: one Modbus TCP request (FC3, address 1001, count 2) to the simulated KEBA threw
// out of range and took `ampgate simulate` down. Every model, over the real wire (libmodbus
// raw requests over TCP and over the pty), gets requests at and around every register
// block edge, with odd counts, unknown function codes and broken lengths: each one is
// answered (a reply or an exception) and the device still answers a valid request after.
#include <gtest/gtest.h>
#include <modbus.h>

#include <set>

#include "gateway/sim/simulator.h"
#include "tests/sim/modbus_client.h"
#include "tests/sim/site_fixture.h"

namespace ampgate::sim {
namespace {

using namespace test;

// A site with every charger model and both meters: the small site plus a SmartEVSE.
config::Site every_model() {
  auto s = small_site();
  config::Charger e = *s.find_charger("a");
  e.id = "evse";
  e.unit = 13;
  e.model = "smartevse";
  s.chargers.push_back(e);
  return s;
}

// Addresses next to every block the models have (and the ends of the address space).
std::vector<int> addresses() {
  std::set<int> a;
  auto around = [&](int first, int last) {
    for (int x = first - 3; x <= last + 3; ++x)
      if (x >= 0 && x <= 0xFFFF) a.insert(x);
  };
  around(0, 50);
  around(0x20, 0x2A);
  around(0x100, 0x109);
  around(0x150, 0x165);
  around(0x200, 0x209);
  for (int x = 398; x <= 406; ++x) a.insert(x);
  around(1000, 1046);
  around(1100, 1110);
  around(1500, 1552);
  around(1596, 1604);
  around(2000, 2002);
  around(5004, 5052);
  around(6000, 6000);
  around(0xFFF0, 0xFFFF);
  return {a.begin(), a.end()};
}

// Sends one raw request PDU to `unit` and reads the confirmation; true when something
// (a reply or an exception) came back.
bool answered(modbus_t* ctx, int unit, const std::vector<std::uint8_t>& pdu) {
  modbus_set_slave(ctx, unit);  // libmodbus RTU drops replies from any other unit
  std::vector<std::uint8_t> raw{static_cast<std::uint8_t>(unit)};
  raw.insert(raw.end(), pdu.begin(), pdu.end());
  if (modbus_send_raw_request(ctx, raw.data(), static_cast<int>(raw.size())) < 0) return false;
  std::vector<std::uint8_t> rsp(MODBUS_MAX_ADU_LENGTH);
  // An exception answer is a confirmation too: libmodbus returns -1 with an EMBX errno.
  const int n = modbus_receive_confirmation(ctx, rsp.data());
  return n > 0 || (errno >= EMBXILFUN && errno <= EMBXGTAR);
}

std::vector<std::uint8_t> pdu(int fc, int address, int count_or_value) {
  return {static_cast<std::uint8_t>(fc), static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
          static_cast<std::uint8_t>(count_or_value >> 8), static_cast<std::uint8_t>(count_or_value)};
}

class HostileRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.tcp_ephemeral = true;
    sim = std::make_unique<Simulator>(every_model(), Scenario{}, o);
    sim->start();
  }
  void TearDown() override { sim->stop(); }

  // Every well-formed request of the sweep is answered, then a valid read still is (`valid`
  // reads registers the device has). Requests the RTU framing cannot delimit (unknown
  // functions, a broken FC16) may be dropped on a serial line, as a real device does;
  // over TCP they are answered too.
  void sweep(modbus_t* ctx, int unit, int valid_fc, int valid_address, int valid_count, bool odd_answered) {
    int unanswered = 0;
    int odd_unanswered = 0;
    for (int fc : {3, 4}) {
      for (int a : addresses())
        for (int count : {1, 2, 125}) unanswered += !answered(ctx, unit, pdu(fc, a, count));
    }
    // Counts out of the protocol's range, unknown functions, a write of every kind of value.
    for (int count : {0, 126, 0xFFFF}) unanswered += !answered(ctx, unit, pdu(3, 1001, count));
    for (int a : {1001, 1003, 5005, 0xFFFF, 0x0021, 0x0109})
      for (int v : {0, 1, 0xFFFF}) unanswered += !answered(ctx, unit, pdu(6, a, v));
    unanswered += !answered(ctx, unit, {16, 0xFF, 0xFF, 0, 2, 4, 0, 1, 0, 1});  // past the top address
    for (int fc : {1, 2, 5, 7, 8, 15, 17, 20, 43, 0x7F}) odd_unanswered += !answered(ctx, unit, pdu(fc, 0, 1));
    odd_unanswered += !answered(ctx, unit, {16, 0, 15, 0, 2, 2, 0, 10});  // byte count disagrees with count
    EXPECT_EQ(unanswered, 0) << "unit " << unit << ": well-formed requests without any answer";
    if (odd_answered) EXPECT_EQ(odd_unanswered, 0) << "unit " << unit << ": odd requests without any answer";
    std::vector<std::uint16_t> r(static_cast<std::size_t>(valid_count));
    modbus_set_slave(ctx, unit);
    const int got = valid_fc == 3 ? modbus_read_registers(ctx, valid_address, valid_count, r.data())
                                  : modbus_read_input_registers(ctx, valid_address, valid_count, r.data());
    EXPECT_EQ(got, valid_count) << "unit " << unit << " no longer answers: " << modbus_strerror(errno);
  }

  std::unique_ptr<Simulator> sim;
};

TEST_F(HostileRequests, KebaAnswersTheRequestThatKilledTheSimulatorWithAnAddressException) {
  auto ctx = tcp_client(sim->tcp_port("lan"));
  std::vector<std::uint16_t> r;
  EXPECT_EQ(read_holding(ctx.get(), 255, 1001, 2, r), EMBXILADD);  // the middle of the u32 at 1000
  EXPECT_EQ(read_holding(ctx.get(), 255, 1000, 2, r), 0);
}

TEST_F(HostileRequests, EveryTcpModelAnswersEveryRequestAndKeepsServing) {
  auto keba = tcp_client(sim->tcp_port("lan"));
  sweep(keba.get(), 255, 3, 1000, 2, true);
  auto vestel = tcp_client(sim->tcp_port("lan2"));
  sweep(vestel.get(), 255, 4, 1000, 2, true);
}

TEST_F(HostileRequests, EveryRtuModelAnswersEveryRequestAndKeepsServing) {
  auto ctx = rtu_client(sim->rtu_path("rs485"));
  sweep(ctx.get(), 11, 3, 9, 1, false);      // TeltoCharge
  sweep(ctx.get(), 13, 3, 0, 1, false);      // SmartEVSE
  sweep(ctx.get(), 1, 4, 0, 2, false);       // SDM630
  auto p1 = rtu_client(sim->rtu_path("p1"), 38400, 'E');
  sweep(p1.get(), 43, 3, 0, 2, false);       // P1 dongle
}

}  // namespace
}  // namespace ampgate::sim
