#pragma once
// Events: the notable things that happened (meter stale, charger lost/back, watchdog
// reprogrammed, phase switched, config reloaded, fuse margin used), one row each.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/sqlite.h"
#include "storage/time.h"

namespace ampgate::storage {

enum class Severity { debug, info, warning, error };
const char* to_string(Severity s);
std::optional<Severity> severity_from_string(std::string_view s);

using Details = std::vector<std::pair<std::string, std::string>>;  // key=value, in order

struct Event {
  std::int64_t id = 0;  // assigned by the store
  TimePoint at;
  Severity severity = Severity::info;
  std::string source;   // "meter grid", "charger garage-1", "config", ...
  std::string message;
  Details details;      // stored as a JSON object of strings
};

struct EventQuery {
  std::optional<TimePoint> from{};  // at >= from
  std::optional<TimePoint> to{};    // at < to
  std::optional<std::string> source{};
  Severity min_severity = Severity::debug;
  int limit = 1000;               // newest first
};

class EventStore {
 public:
  explicit EventStore(Database& db) : db_(db) {}

  std::int64_t add(const Event& e);
  std::vector<Event> list(const EventQuery& q);
  // Deletes events older than `before`; returns how many. Events are kept longer than
  // metrics (docs/storage.md), so the daemon calls this with its own cut-off.
  int prune(TimePoint before);

 private:
  Database& db_;
};

// {"key":"value",...} with JSON string escaping; exposed for tests.
std::string details_to_json(const Details& d);

}  // namespace ampgate::storage
