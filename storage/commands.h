#pragma once
// Commanded setpoints: what the gateway last told each charger, and when (table
// `commanded`). Written on every change; read once at start.
#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite.h"
#include "storage/time.h"

namespace ampgate::storage {

struct CommandRecord {
  std::string charger;
  int amps = 0;
  int phases = 3;
  bool run = false;
  bool certain = true;            // false: the record is a worst case after an unknown outcome
  bool watchdog_verified = false; // timeout and failsafe were written and read back
  TimePoint written;
  friend bool operator==(const CommandRecord&, const CommandRecord&) = default;
};

class CommandStore {
 public:
  explicit CommandStore(Database& db) : db_(db) {}
  void put(const CommandRecord& r);  // insert or replace the charger's row
  std::optional<CommandRecord> get(const std::string& charger);
  std::vector<CommandRecord> all();

 private:
  Database& db_;
};

}  // namespace ampgate::storage
