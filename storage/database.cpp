#include "storage/database.h"

#include <filesystem>

namespace ampgate::storage {

namespace {

// v1: sessions. One row per charging session, inserted at start and updated in place.
// The partial unique index makes a second open session for a charger impossible, which
// is what keeps a restart from duplicating a session.
constexpr const char* v1_sessions = R"sql(
CREATE TABLE sessions (
  id               INTEGER PRIMARY KEY,
  charger          TEXT    NOT NULL,
  started          INTEGER NOT NULL,            -- unix ms, UTC
  updated          INTEGER NOT NULL,            -- last progress written, unix ms
  ended            INTEGER,                     -- NULL while the session is open
  energy_wh        REAL    NOT NULL DEFAULT 0,
  energy_source    TEXT    NOT NULL CHECK (energy_source IN ('counter', 'integrated')),
  start_counter_wh REAL,
  last_counter_wh  REAL,
  peak_current_a   REAL    NOT NULL DEFAULT 0,
  phases           INTEGER NOT NULL CHECK (phases BETWEEN 0 AND 3),
  mode             TEXT    NOT NULL,
  stop_reason      TEXT CHECK (stop_reason IN
                     ('unplugged', 'stopped_by_ev', 'stopped_by_user', 'fault', 'gateway_restart')),
  vehicle_id       TEXT,
  CHECK ((ended IS NULL) = (stop_reason IS NULL))
);
CREATE UNIQUE INDEX sessions_one_open_per_charger ON sessions (charger) WHERE ended IS NULL;
CREATE INDEX sessions_by_start ON sessions (started);
CREATE INDEX sessions_by_charger ON sessions (charger, started);
)sql";

// v2: events, the gateway's notable happenings (one row per event, never per cycle).
constexpr const char* v2_events = R"sql(
CREATE TABLE events (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,                    -- unix ms, UTC
  severity TEXT    NOT NULL CHECK (severity IN ('debug', 'info', 'warning', 'error')),
  source   TEXT    NOT NULL,
  message  TEXT    NOT NULL,
  details  TEXT CHECK (details IS NULL OR json_valid(details))  -- JSON object of key=value
);
CREATE INDEX events_by_time ON events (at);
CREATE INDEX events_by_source ON events (source, at);
)sql";

// v3: per-minute metrics. The key is what a chart asks for (one series over a time range);
// the extra index on minute serves retention pruning.
constexpr const char* v3_metrics = R"sql(
CREATE TABLE metrics (
  kind     TEXT    NOT NULL CHECK (kind IN ('circuit', 'charger')),
  source   TEXT    NOT NULL,
  quantity TEXT    NOT NULL,
  phase    TEXT    NOT NULL CHECK (phase IN ('', 'L1', 'L2', 'L3')),
  minute   INTEGER NOT NULL,                    -- start of the minute, unix ms, UTC
  avg      REAL    NOT NULL,
  max      REAL    NOT NULL,
  samples  INTEGER NOT NULL CHECK (samples > 0),
  PRIMARY KEY (kind, source, quantity, phase, minute)
) WITHOUT ROWID;
CREATE INDEX metrics_by_minute ON metrics (minute);
)sql";

// v4: commanded setpoints, one row per charger, so that a restarted gateway reserves what a
// charger it has not read yet may still be running at (docs/daemon.md "Restart").
// A row is the worst the charger may have been told: it is raised before an increase is sent
// and lowered once a reduction is acknowledged.
constexpr const char* v4_commands = R"sql(
CREATE TABLE commanded (
  charger           TEXT    PRIMARY KEY,
  amps              INTEGER NOT NULL CHECK (amps >= 0),
  phases            INTEGER NOT NULL CHECK (phases IN (1, 3)),
  run               INTEGER NOT NULL CHECK (run IN (0, 1)),
  certain           INTEGER NOT NULL CHECK (certain IN (0, 1)),  -- 0: a write's outcome was unknown
  watchdog_verified INTEGER NOT NULL CHECK (watchdog_verified IN (0, 1)),
  written           INTEGER NOT NULL                             -- unix ms, UTC
) WITHOUT ROWID;
)sql";

constexpr Migration all_migrations[] = {
    {1, "create sessions", v1_sessions},
    {2, "create events", v2_events},
    {3, "create metrics", v3_metrics},
    {4, "create commanded", v4_commands},
};

}  // namespace

std::span<const Migration> migrations() { return all_migrations; }

int latest_schema_version() { return all_migrations[std::size(all_migrations) - 1].version; }

void migrate(Database& db, std::span<const Migration> steps) {
  const int target = steps.empty() ? 0 : steps.back().version;
  const auto current = static_cast<int>(db.query_int("PRAGMA user_version"));
  if (current > target) {
    throw StorageError(db.path() + ": database schema version " + std::to_string(current) +
                       " is newer than this ampgate supports (" + std::to_string(target) +
                       "); it was written by a newer release. Upgrade ampgate or use another database file.");
  }
  for (const auto& step : steps) {
    if (step.version <= current) continue;
    try {
      Transaction tx(db);
      db.exec(step.sql);
      // user_version takes no bound parameter; the value is our own constant.
      db.exec("PRAGMA user_version = " + std::to_string(step.version));
      tx.commit();
    } catch (const StorageError& e) {
      throw StorageError(std::string(e.what()) + " (migration to schema version " + std::to_string(step.version) +
                         ", " + step.what + ")");
    }
  }
}

Database open_database(const std::string& path, const OpenOptions& options) {
  if (!options.create && !std::filesystem::exists(path)) {
    throw StorageError(path + ": no such database file");
  }
  Database db(path, options.create ? Database::Access::read_write_create : Database::Access::read_write_existing);
  db.exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms));
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal") db.fail("cannot switch to WAL journal mode");
  // FULL: in WAL mode NORMAL may lose the last commits on power loss (not on a crash);
  // a session start must survive a power cut, and we commit only a few times a minute.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, migrations());
  return db;
}

}  // namespace ampgate::storage
