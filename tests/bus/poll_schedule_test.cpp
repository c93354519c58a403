// Which device a bus reads next: meters at their interval and before any charger, chargers
// round-robin in the time left, nobody read more often than its interval.
#include "gateway/bus/poll_schedule.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using K = PollTarget::Kind;
using Clock = PollSchedule::Clock;

TEST(PollSchedule, MeterFirstThenChargersRoundRobinAndTheMeterAgainWhenDue) {
  PollSchedule s(250ms, 1s);
  s.add({K::meter, 0});
  for (std::size_t i = 0; i < 3; ++i) s.add({K::charger, i});
  auto t = Clock::time_point{} + 100s;
  Clock::time_point wake{};
  std::vector<PollTarget> order;
  // Each read takes 100 ms of line time.
  for (int k = 0; k < 5; ++k, t += 100ms) order.push_back(*s.next(t, wake));
  std::vector<PollTarget> want{{K::meter, 0}, {K::charger, 0}, {K::charger, 1}, {K::meter, 0}, {K::charger, 2}};
  EXPECT_EQ(order, want);
  // Every charger read within its interval, the meter not due yet: wait for the meter.
  EXPECT_FALSE(s.next(t, wake));
  EXPECT_EQ(wake, t - 200ms + 250ms);
}

TEST(PollSchedule, AChargerIsNotReadAgainWithinItsIntervalAndTheWakeTimeSaysWhen) {
  PollSchedule s(250ms, 1s);
  s.add({K::charger, 0});
  auto t = Clock::time_point{} + 100s;
  Clock::time_point wake{};
  ASSERT_TRUE(s.next(t, wake));
  EXPECT_FALSE(s.next(t + 10ms, wake));
  EXPECT_EQ(wake, t + 1s);
  EXPECT_TRUE(s.next(t + 1s, wake));
}

TEST(PollSchedule, SeveralMetersAreServedMostOverdueFirst) {
  PollSchedule s(250ms, 1s);
  s.add({K::meter, 0});
  s.add({K::meter, 1});
  s.add({K::charger, 0});
  auto t = Clock::time_point{} + 100s;
  Clock::time_point wake{};
  EXPECT_EQ(*s.next(t, wake), (PollTarget{K::meter, 0}));
  EXPECT_EQ(*s.next(t + 100ms, wake), (PollTarget{K::meter, 1}));
  EXPECT_EQ(*s.next(t + 200ms, wake), (PollTarget{K::charger, 0}));
  // Both due again: the one read longest ago first.
  EXPECT_EQ(*s.next(t + 400ms, wake), (PollTarget{K::meter, 0}));
  EXPECT_EQ(*s.next(t + 500ms, wake), (PollTarget{K::meter, 1}));
}

TEST(PollSchedule, OnALineTooSlowForTheMeterAChargerGetsATurnAfterEachMeterRead) {
  PollSchedule s(250ms, 250ms);
  s.add({K::meter, 0});
  s.add({K::charger, 0});
  s.add({K::charger, 1});
  auto t = Clock::time_point{} + 100s;
  Clock::time_point wake{};
  std::vector<PollTarget> order;
  // Every read takes 700 ms: the meter is due again as soon as it was read.
  for (int k = 0; k < 6; ++k, t += 700ms) order.push_back(*s.next(t, wake));
  std::vector<PollTarget> want{{K::meter, 0}, {K::charger, 0}, {K::meter, 0}, {K::charger, 1}, {K::meter, 0},
                               {K::charger, 0}};
  EXPECT_EQ(order, want);
}

TEST(PollSchedule, MeterIntervalIsAQuarterSecondOrTheControlPeriodIfShorter) {
  EXPECT_EQ(meter_read_interval(1.0), 250ms);
  EXPECT_EQ(meter_read_interval(0.1), 100ms);
}

}  // namespace
}  // namespace ampgate::gateway
