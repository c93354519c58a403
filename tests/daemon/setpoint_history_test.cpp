// The per-charger history of setpoints in force (ChargerSnapshot::recent_setpoints): what
// a reading taken at one moment may be compared with at another.
#include "gateway/daemon/setpoint_history.h"

#include "gateway/daemon/reservation.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = SetpointHistory::Clock;

double secs(Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

TEST(SetpointHistory, RecordsChangesOnlyWithTheirTimesOldestFirst) {
  SetpointHistory h(30s);
  auto t = Clock::time_point{} + 1000s;
  h.record({16, 3, true}, t);
  h.record({16, 3, true}, t + 1s);   // the same setpoint again: no change
  h.record({0, 3, false}, t + 2s);
  h.record({10, 3, false}, t + 3s);  // paused is paused, whatever the amps
  h.record({8, 1, true}, t + 4s);
  auto r = h.recent();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(r[0].from, secs(t));
  EXPECT_EQ(r[1].setpoint, (policies::Setpoint{0, 3, false}));
  EXPECT_DOUBLE_EQ(r[2].from, secs(t + 4s));
  EXPECT_EQ(*h.last(), (policies::Setpoint{8, 1, true}));
}

TEST(SetpointHistory, ChangedSinceSaysWhetherAReadingMayNoLongerHold) {
  SetpointHistory h(30s);
  auto t = Clock::time_point{} + 1000s;
  EXPECT_FALSE(h.changed_since(t));
  h.record({16, 3, true}, t);
  EXPECT_TRUE(h.changed_since(t - 1s));  // a reading from before the first command
  EXPECT_FALSE(h.changed_since(t + 1s));
  h.record({6, 3, true}, t + 5s);
  EXPECT_TRUE(h.changed_since(t + 1s));
  EXPECT_FALSE(h.changed_since(t + 5s));
}

TEST(SetpointHistory, DropsOldEntriesButKeepsTheOneInForceAtTheWindowStart) {
  SetpointHistory h(10s);
  auto t = Clock::time_point{} + 1000s;
  for (int i = 0; i < 100; ++i) h.record({6 + i % 2, 3, true}, t + std::chrono::seconds(i));
  auto r = h.recent();
  // Entries from 89 s .. 99 s, plus the one that came into force at 88 s and held at 89 s.
  ASSERT_FALSE(r.empty());
  EXPECT_LE(r.size(), 12u);
  EXPECT_LE(r.front().from, secs(t + 89s));
  EXPECT_DOUBLE_EQ(r.back().from, secs(t + 99s));
}

// A charger paused since the start is resumed: the history must still show the pause, or
// the reading of a car still ramping up is taken as its draw at an earlier meter sample and
// the household estimate comes out low (41 A on a 40 A fuse in SafetyTest.Sigterm... once).
TEST(ReservationHistory, TheFirstChangeKeepsTheSetpointItReplaced) {
  std::vector<policies::TimedSetpoint> h;
  record_setpoint(h, {50, {0, 3, false}}, {12, 3, true}, 100, 5);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].setpoint, (policies::Setpoint{0, 3, false}));
  EXPECT_DOUBLE_EQ(h[0].from, 50);
  EXPECT_DOUBLE_EQ(h[1].from, 100);
  ReservationInput in;
  in.now = 102.5, in.started = 40, in.read_since_start = true, in.last_seen = 102.4;
  in.commanded_known = in.commanded_certain = true;
  in.commanded = {12, 3, true};
  in.history = h;
  const auto f = reservation_fields(in);
  ASSERT_EQ(f.recent_setpoints.size(), 2u) << "the pause within the follow time is gone";
  EXPECT_FALSE(f.recent_setpoints[0].setpoint.run);
  // Later changes append; the replaced setpoint is only used to seed an empty history.
  record_setpoint(h, {100, {12, 3, true}}, {10, 3, true}, 120, 5);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_DOUBLE_EQ(h[0].from, 100);
  EXPECT_EQ(h[1].setpoint.amps, 10);
}

}  // namespace
}  // namespace ampgate::gateway
