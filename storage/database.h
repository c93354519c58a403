#pragma once
// Opening the gateway's database: pragmas for crash safety, then the schema migrations.
// See docs/storage.md for why each setting is what it is.
#include <span>
#include <string>

#include "storage/sqlite.h"

namespace ampgate::storage {

// One schema step. Steps run in order, each in its own transaction together with the
// PRAGMA user_version bump, so a crash mid-migration leaves the previous version intact.
struct Migration {
  int version;       // user_version after this step (1, 2, 3, ...)
  const char* what;  // for error messages
  const char* sql;
};

// The gateway's schema history; never edit a released step, append a new one.
std::span<const Migration> migrations();
int latest_schema_version();

// Brings `db` up to the last step of `steps` (tests pass a prefix to build old versions).
// Throws StorageError when the file's version is newer than the last step (written by a
// newer ampgate: refusing protects its data from an older program) or a step fails.
void migrate(Database& db, std::span<const Migration> steps);

struct OpenOptions {
  bool create = true;      // false: a missing file is an error (CLI reading an existing database)
  int busy_timeout_ms = 5000;
};

// Opens (or creates) the database at `path`: WAL, synchronous=FULL, foreign keys, busy
// timeout, then all migrations. Throws StorageError naming the path on any failure.
Database open_database(const std::string& path, const OpenOptions& options = {});

}  // namespace ampgate::storage
