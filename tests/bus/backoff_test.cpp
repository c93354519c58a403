// A silent device is backed off, probed at a growing but bounded interval, and cleared by
// one answer. Time is passed in, so the test runs without waiting.
#include "gateway/bus/backoff.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using D = Backoff::Decision;
using modbus::Outcome;

TEST(Backoff, BacksOffAfterConsecutiveTimeoutsOnlyForThatUnit) {
  Backoff b({3, 1000ms, 4000ms});
  auto t = Backoff::Clock::time_point{} + 100s;
  b.on_outcome(5, Outcome::timeout, t);
  b.on_outcome(5, Outcome::timeout, t);
  EXPECT_EQ(b.check(5, t), D::send);
  b.on_outcome(5, Outcome::timeout, t);
  EXPECT_TRUE(b.backed_off(5));
  EXPECT_EQ(b.check(5, t + 999ms), D::skip);
  EXPECT_EQ(b.check(5, t + 1000ms), D::probe);
  EXPECT_EQ(b.check(6, t), D::send);
}

TEST(Backoff, AnAnswerBetweenTimeoutsResetsTheCount) {
  Backoff b({3, 1000ms, 4000ms});
  auto t = Backoff::Clock::time_point{} + 100s;
  b.on_outcome(1, Outcome::timeout, t);
  b.on_outcome(1, Outcome::timeout, t);
  b.on_outcome(1, Outcome::exception, t);
  b.on_outcome(1, Outcome::timeout, t);
  b.on_outcome(1, Outcome::timeout, t);
  EXPECT_FALSE(b.backed_off(1));
}

TEST(Backoff, ProbeIntervalGrowsToItsCapAndOneSuccessClearsIt) {
  Backoff b({1, 1000ms, 4000ms});
  auto t = Backoff::Clock::time_point{} + 100s;
  b.on_outcome(2, Outcome::timeout, t);
  std::vector<long> waits;
  for (int i = 0; i < 4; ++i) {
    waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(b.until_probe(2, t)).count());
    t += b.until_probe(2, t);
    ASSERT_EQ(b.check(2, t), D::probe);
    b.on_outcome(2, Outcome::timeout, t);
  }
  EXPECT_EQ(waits, (std::vector<long>{1000, 2000, 4000, 4000}));
  b.on_outcome(2, Outcome::ok, t);
  EXPECT_FALSE(b.backed_off(2));
  EXPECT_EQ(b.check(2, t), D::send);
}

TEST(Backoff, LinkErrorsDoNotBlameTheDevice) {
  Backoff b({1, 1000ms, 4000ms});
  auto t = Backoff::Clock::time_point{} + 100s;
  for (int i = 0; i < 5; ++i) b.on_outcome(3, Outcome::io_error, t);
  EXPECT_FALSE(b.backed_off(3));
}

}  // namespace
}  // namespace ampgate::gateway
