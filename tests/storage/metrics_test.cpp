// Per-minute metrics: what a chart of a fuse's load over the last days is drawn from.
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/metrics.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::TempDir;

namespace {
const TimePoint t0 = from_unix_ms(1'709'647'200'000);  // on a minute boundary
const MetricKey mains_l1{"circuit", "mains", "current", "L1"};
const MetricKey mains_l2{"circuit", "mains", "current", "L2"};
const MetricKey garage_setpoint{"charger", "garage", "setpoint", ""};

struct Metrics : testing::Test {
  TempDir dir;
  Database db = open_database((dir.path() / "gw.db").string());
  MetricStore store{db};
  MetricAccumulator acc{store};
};
}  // namespace

TEST_F(Metrics, OneRowPerSeriesPerMinuteWithAverageAndMax) {
  // One sample per second for two minutes: L1 ramps, L2 steady; setpoint steps once.
  for (int s = 0; s < 120; ++s) {
    const auto at = t0 + std::chrono::seconds{s};
    acc.sample(mains_l1, s < 60 ? 10.0 : 20.0 + (s - 60) % 2, at);
    acc.sample(mains_l2, 8.0, at);
    acc.sample(garage_setpoint, s < 30 ? 16.0 : 6.0, at);
  }
  EXPECT_EQ(acc.flush_completed(t0 + 119s), 3);  // only the first minute is complete
  EXPECT_EQ(acc.flush_completed(t0 + 119s), 0);
  EXPECT_EQ(acc.flush_completed(t0 + 120s), 3);
  auto l1 = store.list({.source = "mains", .quantity = "current"});
  ASSERT_EQ(l1.size(), 4u);  // L1 x2 minutes, L2 x2 minutes
  EXPECT_EQ(l1[0].key, mains_l1);
  EXPECT_EQ(l1[0].minute, t0);
  EXPECT_DOUBLE_EQ(l1[0].avg, 10.0);
  EXPECT_EQ(l1[0].samples, 60);
  EXPECT_EQ(l1[1].minute, t0 + 1min);
  EXPECT_DOUBLE_EQ(l1[1].avg, 20.5);
  EXPECT_DOUBLE_EQ(l1[1].max, 21.0);
  auto sp = store.list({.kind = "charger", .source = "garage"});
  ASSERT_EQ(sp.size(), 2u);
  EXPECT_DOUBLE_EQ(sp[0].avg, (30 * 16.0 + 30 * 6.0) / 60);
  EXPECT_DOUBLE_EQ(sp[0].max, 16.0);
  EXPECT_DOUBLE_EQ(sp[1].avg, 6.0);
}

TEST_F(Metrics, StaleSamplesAreLeftOutNotCountedAsZero) {
  // The meter answered for only 10 s of the minute.
  for (int s = 0; s < 10; ++s) acc.sample(mains_l1, 24.0, t0 + std::chrono::seconds{s});
  acc.flush_completed(t0 + 5min);
  auto rows = store.list({});
  ASSERT_EQ(rows.size(), 1u);  // no rows for the silent minutes
  EXPECT_DOUBLE_EQ(rows[0].avg, 24.0);
  EXPECT_EQ(rows[0].samples, 10);
}

TEST_F(Metrics, PartialMinuteAtShutdownMergesWithTheRestAfterRestart) {
  for (int s = 0; s < 20; ++s) acc.sample(mains_l1, 10.0, t0 + std::chrono::seconds{s});
  EXPECT_EQ(acc.flush_all(), 1);
  MetricAccumulator after_restart{store};
  for (int s = 40; s < 60; ++s) after_restart.sample(mains_l1, 20.0, t0 + std::chrono::seconds{s});
  after_restart.flush_completed(t0 + 60s);
  auto rows = store.list({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].avg, 15.0);
  EXPECT_DOUBLE_EQ(rows[0].max, 20.0);
  EXPECT_EQ(rows[0].samples, 40);
}

TEST_F(Metrics, TimeRangeQuery) {
  for (int m = 0; m < 10; ++m) acc.sample(mains_l1, m, t0 + std::chrono::minutes{m});
  acc.flush_all();
  auto rows = store.list({.from = t0 + 3min, .to = t0 + 6min});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[0].avg, 3.0);
  EXPECT_DOUBLE_EQ(rows[2].avg, 5.0);
}

TEST_F(Metrics, DefaultRetentionIsThirtyDays) {
  EXPECT_EQ(store.retention(), std::chrono::hours{24 * 30});
  acc.sample(mains_l1, 1, t0);
  acc.sample(mains_l1, 2, t0 + 1h);
  acc.flush_all();
  EXPECT_EQ(store.prune(t0 + std::chrono::days{30}), 0);  // exactly 30 days old: kept
  EXPECT_EQ(store.prune(t0 + std::chrono::days{30} + 1min), 1);
  auto rows = store.list({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].minute, t0 + 1h);
}

TEST_F(Metrics, PruningRunsAtFirstCallThenHourly) {
  MetricStore short_lived{db, std::chrono::hours{2}};
  MetricAccumulator writer{short_lived};
  // A day of one sample per ten minutes.
  for (int m = 0; m < 24 * 60; m += 10) writer.sample(mains_l1, 1, t0 + std::chrono::minutes{m});
  writer.flush_all();
  const auto day_end = t0 + 24h;
  EXPECT_EQ(short_lived.prune_if_due(day_end), 24 * 6 - 12);  // keeps the last two hours
  // The next hour's samples age, but pruning waits for the hour to pass.
  EXPECT_EQ(short_lived.prune_if_due(day_end + 30min), 0);
  EXPECT_EQ(short_lived.prune_if_due(day_end + 59min), 0);
  EXPECT_EQ(short_lived.prune_if_due(day_end + 60min), 6);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM metrics"), 6);
  // A clock stepped backwards (NTP correction after boot) prunes right away, not an hour later.
  writer.sample(mains_l1, 1, t0);
  writer.flush_all();
  EXPECT_EQ(short_lived.prune_if_due(day_end - 3h), 1);
}

TEST_F(Metrics, PhaseSamplesSkipThePhasesWithoutAValue) {
  acc.sample_phases(metric::circuit, "garage", metric::current, {12.0, std::nullopt, 9.5}, t0);
  acc.sample_phases(metric::circuit, "garage", metric::current, {14.0, std::nullopt, 9.5}, t0 + 1s);
  acc.flush_all();
  auto rows = store.list({.source = "garage"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key.phase, "L1");
  EXPECT_DOUBLE_EQ(rows[0].avg, 13.0);
  EXPECT_EQ(rows[1].key.phase, "L3");
  EXPECT_EQ(rows[1].samples, 2);
}
