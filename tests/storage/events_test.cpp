// Events as the API and a technician read them back: newest first, filtered, with details.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/events.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::TempDir;

namespace {
const TimePoint t0 = from_unix_ms(1'709'647'200'000);

struct Events : testing::Test {
  TempDir dir;
  Database db = open_database((dir.path() / "gw.db").string());
  EventStore store{db};
};
}  // namespace

TEST_F(Events, StoredWithDetailsAndReadBackNewestFirst) {
  store.add({0, t0, Severity::warning, "meter grid", "meter stale", {{"last_reading_s", "7.5"}, {"bus", "rs485-1"}}});
  store.add({0, t0 + 2s, Severity::info, "charger garage", "watchdog reprogrammed",
             {{"timeout_s", "30"}, {"failsafe_a", "6"}}});
  store.add({0, t0 + 1s, Severity::info, "config", "config reloaded", {}});
  auto all = store.list({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "watchdog reprogrammed");
  EXPECT_EQ(all[1].message, "config reloaded");
  EXPECT_TRUE(all[1].details.empty());
  EXPECT_EQ(all[2].source, "meter grid");
  EXPECT_EQ(all[2].severity, Severity::warning);
  EXPECT_EQ(all[2].at, t0);
  EXPECT_THAT(all[2].details, testing::ElementsAre(std::pair<std::string, std::string>{"last_reading_s", "7.5"},
                                                   std::pair<std::string, std::string>{"bus", "rs485-1"}));
}

TEST_F(Events, DetailsSurviveQuotesNewlinesAndUnicode) {
  const Details tricky{{"path", "C:\\site \"main\".yaml"}, {"error", "line 1\nline 2\t\x01"}, {"name", "Garåge ⚡"}};
  store.add({0, t0, Severity::error, "config", "reload failed", tricky});
  EXPECT_EQ(store.list({})[0].details, tricky);
  EXPECT_EQ(db.query_int("SELECT json_valid(details) FROM events"), 1);
}

TEST_F(Events, FilterByTimeSourceSeverityAndLimit) {
  for (int i = 0; i < 10; ++i) {
    store.add({0, t0 + std::chrono::seconds{i}, i % 3 == 0 ? Severity::error : Severity::debug,
               i % 2 ? "charger a" : "charger b", "event " + std::to_string(i), {}});
  }
  EXPECT_EQ(store.list({.from = t0 + 5s}).size(), 5u);
  EXPECT_EQ(store.list({.from = t0 + 2s, .to = t0 + 4s}).size(), 2u);
  EXPECT_EQ(store.list({.source = "charger a"}).size(), 5u);
  auto errors = store.list({.min_severity = Severity::warning});
  ASSERT_EQ(errors.size(), 4u);  // 0, 3, 6, 9
  EXPECT_EQ(errors[0].message, "event 9");
  auto newest = store.list({.limit = 2});
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].message, "event 9");
  EXPECT_EQ(newest[1].message, "event 8");
}

TEST_F(Events, PruneDeletesOnlyOlderEvents) {
  store.add({0, t0, Severity::info, "x", "old", {}});
  store.add({0, t0 + 1h, Severity::info, "x", "new", {}});
  EXPECT_EQ(store.prune(t0 + 1h), 1);
  auto left = store.list({});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message, "new");
}

TEST(Severities, NamesRoundTrip) {
  for (auto s : {Severity::debug, Severity::info, Severity::warning, Severity::error}) {
    EXPECT_EQ(severity_from_string(to_string(s)), s);
  }
  EXPECT_EQ(severity_from_string("fatal"), std::nullopt);
}
