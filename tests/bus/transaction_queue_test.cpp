// The scheduling rules of one bus, as tables: order of service, write order, read merging.
#include "gateway/bus/transaction_queue.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

using modbus::Function;
using modbus::Priority;
using modbus::Request;

Request read(std::uint8_t unit, std::uint16_t address, std::uint16_t count, Priority p = Priority::status,
             Function f = Function::read_holding) {
  Request r;
  r.unit = unit;
  r.function = f;
  r.address = address;
  r.count = count;
  r.priority = p;
  return r;
}

Request write(std::uint8_t unit, std::uint16_t address, std::uint16_t value, Priority p = Priority::setpoint) {
  Request r;
  r.unit = unit;
  r.function = Function::write_single;
  r.address = address;
  r.values = {value};
  r.priority = p;
  return r;
}

TEST(TransactionQueue, ServesByPriorityThenInArrivalOrder) {
  TransactionQueue q;
  q.push(read(1, 0, 2, Priority::telemetry), {});
  q.push(read(2, 0, 2, Priority::status), {});
  q.push(read(3, 0, 2, Priority::meter), {});
  q.push(write(4, 15, 10), {});
  q.push(read(5, 0, 2, Priority::status), {});
  std::vector<int> units;
  while (!q.empty()) units.push_back(q.take().wire.unit);
  EXPECT_EQ(units, (std::vector<int>{4, 3, 2, 5, 1}));
}

TEST(TransactionQueue, WritesToOneUnitKeepTheirOrderWhateverTheirPriority) {
  TransactionQueue q;
  q.push(write(1, 15, 6, Priority::telemetry), {});
  q.push(read(2, 0, 2, Priority::meter), {});
  q.push(write(1, 15, 16, Priority::setpoint), {});
  std::vector<std::uint16_t> values;
  while (!q.empty()) {
    auto b = q.take();
    if (b.wire.is_write()) values.push_back(b.wire.values[0]);
  }
  // The older value must not land last.
  EXPECT_EQ(values, (std::vector<std::uint16_t>{6, 16}));
}

TEST(TransactionQueue, MergesTouchingAndOverlappingReadsOfOneUnitAndSplitsTheAnswer) {
  TransactionQueue q;
  q.push(read(1, 10, 5), {});
  q.push(read(1, 0, 10), {});   // ends where the first begins
  q.push(read(1, 12, 8), {});   // overlaps
  q.push(read(2, 20, 5), {});   // other unit
  q.push(read(1, 30, 2), {});   // gap: not merged
  q.push(read(1, 19, 2, Priority::status, Function::read_input), {});  // other function
  auto b = q.take();
  EXPECT_EQ(b.wire.unit, 1);
  EXPECT_EQ(b.wire.address, 0);
  EXPECT_EQ(b.wire.count, 20);
  ASSERT_EQ(b.members.size(), 3u);
  EXPECT_EQ(q.size(), 3u);

  modbus::Reply wire;
  wire.outcome = modbus::Outcome::ok;
  for (std::uint16_t a = 0; a < 20; ++a) wire.registers.push_back(static_cast<std::uint16_t>(100 + a));
  for (std::size_t i = 0; i < b.members.size(); ++i) {
    const auto& r = b.members[i].request;
    auto reply = b.reply_for(i, wire);
    ASSERT_EQ(reply.registers.size(), r.count);
    EXPECT_EQ(reply.registers.front(), 100 + r.address);
    EXPECT_EQ(reply.registers.back(), 100 + r.address + r.count - 1);
  }
}

TEST(TransactionQueue, AFailedMergedReadFailsEveryMember) {
  TransactionQueue q;
  q.push(read(1, 0, 4), {});
  q.push(read(1, 4, 4), {});
  auto b = q.take();
  ASSERT_EQ(b.members.size(), 2u);
  modbus::Reply wire;
  wire.outcome = modbus::Outcome::timeout;
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(b.reply_for(i, wire).outcome, modbus::Outcome::timeout);
    EXPECT_TRUE(b.reply_for(i, wire).registers.empty());
  }
}

TEST(TransactionQueue, NeverMergesBeyond125RegistersOrTheUnitsLimit) {
  TransactionQueue q;
  q.push(read(1, 0, 100), {});
  q.push(read(1, 100, 26), {});  // would make 126
  EXPECT_EQ(q.take().wire.count, 100);
  EXPECT_EQ(q.take().wire.count, 26);

  q.limit_reads(2, 12);
  q.push(read(2, 6, 6), {});
  q.push(read(2, 12, 6), {});
  q.push(read(2, 18, 6), {});
  EXPECT_EQ(q.take().wire.count, 12);
  EXPECT_EQ(q.take().wire.count, 6);

  q.limit_reads(3, 1);  // one value per request (KEBA)
  q.push(read(3, 1000, 2), {});
  q.push(read(3, 1002, 2), {});
  EXPECT_EQ(q.take().members.size(), 1u);
}

TEST(TransactionQueue, AReadQueuedAfterAWriteIsNotPulledAheadOfIt) {
  TransactionQueue q;
  q.push(read(1, 0, 14, Priority::meter), {});
  q.push(write(1, 15, 10, Priority::status), {});
  q.push(read(1, 14, 4, Priority::status), {});  // wants to see the written value
  auto first = q.take();
  EXPECT_EQ(first.members.size(), 1u);
  EXPECT_TRUE(q.take().wire.is_write());
  EXPECT_EQ(q.take().wire.address, 14);
}

}  // namespace
}  // namespace ampgate::gateway
