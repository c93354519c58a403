// Schema versions: a new database, every older database and a newer one, as the gateway
// meets them when it starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "storage/database.h"
#include "storage/storage.h"
#include "storage/sessions.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using ampgate::test::TempDir;
using testing::HasSubstr;

namespace {

std::vector<std::string> tables(Database& db) {
  Statement st(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

}  // namespace

TEST(Migrations, NewDatabaseGetsTheWholeSchemaInWalMode) {
  TempDir dir;
  auto db = open_database((dir.path() / "a.db").string());
  EXPECT_EQ(db.query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db.query_int("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(db.query_int("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(db.query_int("PRAGMA busy_timeout"), 5000);
  EXPECT_THAT(tables(db), testing::ElementsAre("commanded", "events", "metrics", "sessions"));
}

TEST(Migrations, ReopeningIsANoOp) {
  TempDir dir;
  { auto db = open_database((dir.path() / "a.db").string()); SessionStore(db).start({"c1", TimePoint{}, 100.0, 3, "fast", {}}); }
  auto db = open_database((dir.path() / "a.db").string());
  EXPECT_EQ(db.query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(SessionStore(db).open_sessions().size(), 1u);
}

TEST(Migrations, VersionsAreConsecutiveFromOne) {
  int expected = 1;
  for (const auto& m : migrations()) EXPECT_EQ(m.version, expected++) << m.what;
}

// For every older version: build a database at that version, keep a session in it when the
// table exists, then open it as the gateway does: it is upgraded and the session survives.
TEST(Migrations, EveryOlderVersionUpgradesKeepingItsData) {
  for (int old = 0; old < latest_schema_version(); ++old) {
    SCOPED_TRACE("from version " + std::to_string(old));
    TempDir dir;
    const auto path = (dir.path() / "old.db").string();
    {
      Database db(path, Database::Access::read_write_create);
      migrate(db, migrations().first(static_cast<size_t>(old)));
      EXPECT_EQ(db.query_int("PRAGMA user_version"), old);
      if (old >= 1) SessionStore(db).start({"garage", from_unix_ms(1000), 5.0, 1, "solar", "RFID-7"});
    }
    auto db = open_database(path);
    EXPECT_EQ(db.query_int("PRAGMA user_version"), latest_schema_version());
    EXPECT_THAT(tables(db), testing::ElementsAre("commanded", "events", "metrics", "sessions"));
    EXPECT_EQ(db.query_text("PRAGMA integrity_check"), "ok");
    auto open = SessionStore(db).open_sessions();
    if (old >= 1) {
      ASSERT_EQ(open.size(), 1u);
      EXPECT_EQ(open[0].charger, "garage");
      EXPECT_EQ(open[0].vehicle_id, "RFID-7");
    } else {
      EXPECT_TRUE(open.empty());
    }
  }
}

TEST(Migrations, NewerDatabaseIsRefusedAndLeftAlone) {
  TempDir dir;
  const auto path = (dir.path() / "future.db").string();
  const int newer = latest_schema_version() + 1;
  {
    Database db(path, Database::Access::read_write_create);
    db.exec("CREATE TABLE future_things (x)");
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  try {
    open_database(path);
    FAIL() << "a database from a newer release was opened";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
    EXPECT_THAT(e.what(), HasSubstr("version " + std::to_string(newer) + " is newer"));
  }
  Database db(path, Database::Access::read_only);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), newer);
  EXPECT_THAT(tables(db), testing::ElementsAre("future_things"));
}

TEST(Migrations, FailedStepRollsBackToThePreviousVersion) {
  TempDir dir;
  Database db((dir.path() / "a.db").string(), Database::Access::read_write_create);
  const Migration steps[] = {
      {1, "good", "CREATE TABLE a (x);"},
      {2, "half-bad", "CREATE TABLE b (x); CREATE TABLE a (y);"},  // second statement fails
  };
  try {
    migrate(db, steps);
    FAIL() << "broken migration succeeded";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "a.db").string()));
    EXPECT_THAT(e.what(), HasSubstr("migration to schema version 2, half-bad"));
  }
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 1);
  EXPECT_THAT(tables(db), testing::ElementsAre("a"));  // b was rolled back with the step
}

TEST(Migrations, MissingFileIsAnErrorWhenCreationIsOff) {
  TempDir dir;
  try {
    open_database((dir.path() / "nope.db").string(), {.create = false});
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "nope.db").string() + ": no such database file"));
  }
  EXPECT_FALSE(std::filesystem::exists((dir.path() / "nope.db").string()));
}

TEST(Migrations, FileThatIsNotADatabaseIsNamedInTheError) {
  TempDir dir;
  std::ofstream((dir.path() / "notes.txt").string()) << "this is a text file, not SQLite, and it is long enough to have a header\n";
  try {
    open_database((dir.path() / "notes.txt").string());
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "notes.txt").string()));
    EXPECT_THAT(e.what(), HasSubstr("not a database"));
  }
}

TEST(StorageHandle, OpensMigratesAndSharesOneConnectionWithTheStores) {
  TempDir dir;
  ampgate::storage::Storage st((dir.path() / "gw.db").string(), std::chrono::hours{24 * 7});
  EXPECT_EQ(st.db().query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(st.metrics().retention(), std::chrono::hours{24 * 7});
  st.sessions().start({"garage", TimePoint{}, std::nullopt, 1, "fast", std::nullopt});
  st.events().add({0, TimePoint{}, Severity::info, "config", "config loaded", {}});
  EXPECT_EQ(st.db().query_int("SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM events)"), 2);
}
