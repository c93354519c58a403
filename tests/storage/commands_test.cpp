// Commanded setpoints as a restarted gateway reads them back: one row per charger, the last
// write wins, and a reopened file (as after kill -9) still has them.
#include <gtest/gtest.h>

#include "storage/commands.h"
#include "storage/database.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using ampgate::test::TempDir;

namespace {
const TimePoint t0 = from_unix_ms(1'709'647'200'000);
}  // namespace

TEST(Commands, LastWriteWinsAndSurvivesReopening) {
  TempDir dir;
  const auto path = (dir.path() / "gw.db").string();
  {
    Database db = open_database(path);
    CommandStore store(db);
    EXPECT_FALSE(store.get("bay-1"));
    store.put({"bay-1", 16, 3, true, false, true, t0});
    store.put({"bay-1", 10, 1, true, true, true, t0 + std::chrono::seconds(2)});
    store.put({"bay-2", 0, 3, false, true, false, t0});
  }
  Database db = open_database(path);
  CommandStore store(db);
  auto all = store.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (CommandRecord{"bay-1", 10, 1, true, true, true, t0 + std::chrono::seconds(2)}));
  EXPECT_EQ(all[1].charger, "bay-2");
  EXPECT_FALSE(all[1].run);
  EXPECT_FALSE(all[1].watchdog_verified);
}
