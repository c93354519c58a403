// A charging session's life as the daemon records it: start, progress, end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sessions.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::TempDir;
using testing::HasSubstr;

namespace {

const TimePoint t0 = from_unix_ms(1'709'647'200'000);  // 2024-03-05T14:00:00Z

class Sessions : public testing::Test {
 protected:
  TempDir dir;
  Database db = open_database((dir.path() / "gw.db").string());
  SessionStore store{db};

  SessionProgress at(std::chrono::seconds offset) {
    SessionProgress p;
    p.at = t0 + offset;
    return p;
  }
};

}  // namespace

TEST_F(Sessions, CounterSessionCountsTheCounterDifference) {
  auto s = store.start({"garage", t0, 12'000.0, 3, "fast", std::nullopt});
  EXPECT_EQ(s.energy_source, EnergySource::counter);
  EXPECT_FALSE(s.ended);

  auto p = at(60s);
  p.counter_wh = 12'180.0;
  p.current_a = 15.8;
  p.phases = 3;
  p.integrated_wh = 999;  // ignored: the counter is the better source
  store.progress(s.id, p);
  p = at(120s);
  p.counter_wh = 12'360.5;
  p.current_a = 12.0;
  s = store.progress(s.id, p);
  EXPECT_DOUBLE_EQ(s.energy_wh, 360.5);
  EXPECT_DOUBLE_EQ(s.peak_current_a, 15.8);

  auto last = at(180s);
  last.counter_wh = 12'400.0;
  s = store.end(s.id, last, StopReason::unplugged);
  ASSERT_TRUE(s.ended);
  EXPECT_EQ(*s.ended, t0 + 180s);
  EXPECT_EQ(s.stop_reason, StopReason::unplugged);
  EXPECT_DOUBLE_EQ(s.energy_wh, 400.0);
  EXPECT_EQ(s.start_counter_wh, 12'000.0);
  EXPECT_EQ(s.last_counter_wh, 12'400.0);
  EXPECT_EQ(s.phases, 3);
  // What was returned is what is stored.
  auto stored = store.find(s.id);
  ASSERT_TRUE(stored);
  EXPECT_DOUBLE_EQ(stored->energy_wh, 400.0);
  EXPECT_EQ(stored->stop_reason, StopReason::unplugged);
  EXPECT_TRUE(store.open_sessions().empty());
}

TEST_F(Sessions, MissingCounterReadingIsNotZeroEnergy) {
  auto s = store.start({"garage", t0, 1'000.0, 1, "fast", std::nullopt});
  auto p = at(10s);
  p.counter_wh = 1'100.0;
  store.progress(s.id, p);
  store.progress(s.id, at(20s));  // counter stale this time
  p = at(30s);
  p.counter_wh = 1'250.0;
  s = store.progress(s.id, p);
  EXPECT_DOUBLE_EQ(s.energy_wh, 250.0);  // the gap is covered by the next reading
}

TEST_F(Sessions, CounterResetKeepsEnergySoFar) {
  auto s = store.start({"garage", t0, 5'000.0, 1, "fast", std::nullopt});
  auto p = at(10s);
  p.counter_wh = 5'300.0;
  store.progress(s.id, p);
  p = at(20s);
  p.counter_wh = 40.0;  // charger rebooted and restarted its counter
  store.progress(s.id, p);
  p = at(30s);
  p.counter_wh = 140.0;
  s = store.progress(s.id, p);
  EXPECT_DOUBLE_EQ(s.energy_wh, 400.0);
}

TEST_F(Sessions, ChargerWithoutCounterUsesIntegratedPower) {
  auto s = store.start({"carport", t0, std::nullopt, 1, "solar", std::nullopt});
  EXPECT_EQ(s.energy_source, EnergySource::integrated);
  for (int i = 1; i <= 4; ++i) {
    auto p = at(std::chrono::seconds{i * 60});
    p.integrated_wh = 23.0;  // 1.38 kW for a minute
    p.current_a = 6.0;
    p.phases = 1;
    store.progress(s.id, p);
  }
  s = store.end(s.id, at(300s), StopReason::stopped_by_ev);
  EXPECT_DOUBLE_EQ(s.energy_wh, 92.0);
  EXPECT_EQ(s.energy_source, EnergySource::integrated);
  EXPECT_EQ(s.phases, 1);
  EXPECT_EQ(s.mode, "solar");
}

TEST_F(Sessions, PhasesUsedIsTheMostAndModeAndVehicleFollowTheCharger) {
  auto s = store.start({"garage", t0, 0.0, 1, "eco", std::nullopt});
  auto p = at(10s);
  p.phases = 3;
  p.mode = "fast";
  p.vehicle_id = "04A1B2C3";
  store.progress(s.id, p);
  p = at(20s);
  p.phases = 1;
  s = store.progress(s.id, p);
  EXPECT_EQ(s.phases, 3);
  EXPECT_EQ(s.mode, "fast");
  EXPECT_EQ(s.vehicle_id, "04A1B2C3");
}

TEST_F(Sessions, OneOpenSessionPerCharger) {
  auto first = store.start({"garage", t0, 0.0, 3, "fast", std::nullopt});
  try {
    store.start({"garage", t0 + 5s, 0.0, 3, "fast", std::nullopt});
    FAIL() << "second open session accepted";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("charger 'garage' already has an open session"));
  }
  // The database itself refuses it too, whatever code path writes.
  EXPECT_THROW(db.exec("INSERT INTO sessions (charger, started, updated, energy_source, phases, mode)"
                       " VALUES ('garage', 1, 1, 'counter', 3, 'fast')"),
               StorageError);
  store.start({"carport", t0, 0.0, 3, "fast", std::nullopt});
  store.end(first.id, at(60s), StopReason::stopped_by_user);
  EXPECT_NO_THROW(store.start({"garage", t0 + 90s, 0.0, 3, "fast", std::nullopt}));
  EXPECT_EQ(store.open_sessions().size(), 2u);
}

TEST_F(Sessions, EndedSessionCannotBeUpdatedOrEndedAgain) {
  auto s = store.start({"garage", t0, 0.0, 3, "fast", std::nullopt});
  store.end(s.id, at(60s), StopReason::fault);
  EXPECT_THROW(store.progress(s.id, at(70s)), StorageError);
  EXPECT_THROW(store.end(s.id, at(70s), StopReason::unplugged), StorageError);
  EXPECT_EQ(store.find(s.id)->stop_reason, StopReason::fault);
  EXPECT_THROW(store.progress(4711, at(70s)), StorageError);
}

TEST_F(Sessions, ProgressAllWritesEveryOneOrNone) {
  auto a = store.start({"a", t0, 0.0, 3, "fast", std::nullopt});
  auto b = store.start({"b", t0, 0.0, 3, "fast", std::nullopt});
  SessionProgress pa = at(60s), pb = at(60s);
  pa.counter_wh = 100.0;
  pb.counter_wh = 200.0;
  store.progress_all({{a.id, pa}, {b.id, pb}});
  EXPECT_DOUBLE_EQ(store.find(a.id)->energy_wh, 100.0);
  EXPECT_DOUBLE_EQ(store.find(b.id)->energy_wh, 200.0);

  pa = at(120s);
  pa.counter_wh = 300.0;
  EXPECT_THROW(store.progress_all({{a.id, pa}, {999, pb}}), StorageError);
  EXPECT_DOUBLE_EQ(store.find(a.id)->energy_wh, 100.0);  // rolled back with the bad one
}

TEST_F(Sessions, ListFiltersByStartAndCharger) {
  for (int i = 0; i < 4; ++i) {
    auto s = store.start({i % 2 ? "b" : "a", t0 + std::chrono::hours{i}, 0.0, 3, "fast", std::nullopt});
    SessionProgress p;
    p.at = s.started + 30min;
    store.end(s.id, p, StopReason::unplugged);
  }
  EXPECT_EQ(store.list({}).size(), 4u);
  EXPECT_EQ(store.list({.from = t0 + 1h}).size(), 3u);
  EXPECT_EQ(store.list({.from = t0 + 1h, .to = t0 + 3h}).size(), 2u);
  auto only_b = store.list({.charger = "b"});
  ASSERT_EQ(only_b.size(), 2u);
  EXPECT_EQ(only_b[0].started, t0 + 1h);
  EXPECT_EQ(only_b[1].started, t0 + 3h);
}

TEST(StopReasons, NamesRoundTripAndUnknownIsRejected) {
  for (auto r : {StopReason::unplugged, StopReason::stopped_by_ev, StopReason::stopped_by_user, StopReason::fault,
                 StopReason::gateway_restart}) {
    EXPECT_EQ(stop_reason_from_string(to_string(r)), r);
  }
  EXPECT_EQ(stop_reason_from_string("Unplugged"), std::nullopt);
  EXPECT_EQ(stop_reason_from_string(""), std::nullopt);
}
