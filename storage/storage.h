#pragma once
// The daemon's one-stop handle: the opened (and migrated) database and its stores.
#include <chrono>
#include <string>

#include "storage/commands.h"
#include "storage/database.h"
#include "storage/events.h"
#include "storage/metrics.h"
#include "storage/sessions.h"

namespace ampgate::storage {

class Storage {
 public:
  explicit Storage(const std::string& path, std::chrono::hours metric_retention = default_metric_retention,
                   const OpenOptions& options = {})
      : db_(open_database(path, options)), sessions_(db_), events_(db_), metrics_(db_, metric_retention), commands_(db_) {}
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  Database& db() { return db_; }
  SessionStore& sessions() { return sessions_; }
  EventStore& events() { return events_; }
  MetricStore& metrics() { return metrics_; }
  CommandStore& commands() { return commands_; }

 private:
  Database db_;
  SessionStore sessions_;
  EventStore events_;
  MetricStore metrics_;
  CommandStore commands_;
};

}  // namespace ampgate::storage
