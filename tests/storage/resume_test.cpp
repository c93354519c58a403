// After a gateway restart: continue the sessions whose chargers still charge the same car,
// close the others with reason gateway_restart.
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/sessions.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::TempDir;

namespace {

const TimePoint t0 = from_unix_ms(1'709'647'200'000);

// The gateway before the crash: three sessions with progress written, then the process dies
// (the database is simply closed without ending anything).
struct Restart : testing::Test {
  TempDir dir;
  std::string path = (dir.path() / "gw.db").string();

  void SetUp() override {
    auto db = open_database(path);
    SessionStore store(db);
    auto a = store.start({"a", t0, 1'000.0, 3, "fast", "CARD-A"});
    auto b = store.start({"b", t0, 2'000.0, 3, "fast", std::nullopt});
    auto c = store.start({"c", t0, std::nullopt, 1, "solar", std::nullopt});
    SessionProgress p;
    p.at = t0 + 10min;
    p.counter_wh = 1'500.0;
    store.progress(a.id, p);
    p.counter_wh = 2'500.0;
    store.progress(b.id, p);
    p.counter_wh.reset();
    p.integrated_wh = 200;
    store.progress(c.id, p);
  }
};

}  // namespace

TEST_F(Restart, SameOngoingChargeIsResumedAndKeepsCounting) {
  auto db = open_database(path);
  SessionStore store(db);
  auto r = store.resume_or_close({{"a", true, 1'700.0, "CARD-A"}, {"b", true, 2'500.0, {}}, {"c", true, {}, {}}});
  EXPECT_EQ(r.resumed.size(), 3u);
  EXPECT_TRUE(r.closed.empty());
  ASSERT_EQ(store.open_sessions().size(), 3u);

  // Energy charged while the gateway was down is counted by the next progress.
  SessionProgress p;
  p.at = t0 + 15min;
  p.counter_wh = 1'800.0;
  auto a = store.progress(r.resumed[0].id, p);
  EXPECT_EQ(a.charger, "a");
  EXPECT_DOUBLE_EQ(a.energy_wh, 800.0);
  EXPECT_EQ(a.started, t0);
}

TEST_F(Restart, ChangedChargeIsClosedAtItsLastKnownTime) {
  auto db = open_database(path);
  SessionStore store(db);
  auto r = store.resume_or_close({
      {"a", true, 1'700.0, "CARD-OTHER"},  // another card: another session
      {"b", true, 30.0, {}},               // counter went back: the charger rebooted
      {"c", false, {}, {}},                // unplugged while the gateway was down
  });
  EXPECT_TRUE(r.resumed.empty());
  ASSERT_EQ(r.closed.size(), 3u);
  for (const auto& s : r.closed) {
    SCOPED_TRACE(s.charger);
    EXPECT_EQ(s.stop_reason, StopReason::gateway_restart);
    ASSERT_TRUE(s.ended);
    EXPECT_EQ(*s.ended, t0 + 10min);
  }
  EXPECT_TRUE(store.open_sessions().empty());
  EXPECT_DOUBLE_EQ(store.find(r.closed[0].id)->energy_wh, 500.0);  // energy up to the last progress
  EXPECT_DOUBLE_EQ(store.find(r.closed[2].id)->energy_wh, 200.0);
  // A new session can start right away on each charger.
  EXPECT_NO_THROW(store.start({"b", t0 + 20min, 30.0, 3, "fast", std::nullopt}));
}

TEST_F(Restart, SilentChargerOrUnreadCounterIsNotTheSameCharge) {
  auto db = open_database(path);
  SessionStore store(db);
  // "a" did not answer at all; "b" answered without its counter, so "not gone back" is unknown.
  auto r = store.resume_or_close({{"b", true, std::nullopt, {}}, {"c", true, {}, {}}});
  ASSERT_EQ(r.resumed.size(), 1u);
  EXPECT_EQ(r.resumed[0].charger, "c");
  ASSERT_EQ(r.closed.size(), 2u);
  EXPECT_EQ(r.closed[0].charger, "a");
  EXPECT_EQ(r.closed[1].charger, "b");
}

TEST_F(Restart, SecondRestartChangesNothingMore) {
  {
    auto db = open_database(path);
    SessionStore(db).resume_or_close({{"a", true, 1'500.0, "CARD-A"}});
  }
  auto db = open_database(path);
  SessionStore store(db);
  auto r = store.resume_or_close({{"a", true, 1'500.0, "CARD-A"}});
  EXPECT_EQ(r.resumed.size(), 1u);
  EXPECT_TRUE(r.closed.empty());  // b and c were closed once, not again
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sessions"), 3);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sessions WHERE stop_reason = 'gateway_restart'"), 2);
}
