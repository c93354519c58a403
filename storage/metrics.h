#pragma once
// Metrics: per-minute averages (and maxima) of currents per circuit phase (mains included)
// and per charger (setpoint, actual), kept for a retention period and pruned.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/sqlite.h"
#include "storage/time.h"

namespace ampgate::storage {

// One series. kind is "circuit" (the mains is the circuit "mains") or "charger";
// quantity e.g. "current", "setpoint", "actual"; phase "L1".."L3" or "" for a whole value.
struct MetricKey {
  std::string kind;
  std::string source;
  std::string quantity;
  std::string phase;
  auto operator<=>(const MetricKey&) const = default;
};

// The names the daemon uses, so charts and queries agree on them.
namespace metric {
inline constexpr const char* circuit = "circuit";  // kind; the mains is the circuit "mains"
inline constexpr const char* charger = "charger";  // kind
inline constexpr const char* current = "current";  // circuit current per phase, A
inline constexpr const char* setpoint = "setpoint";  // charger setpoint, A
inline constexpr const char* actual = "actual";    // charger measured current per phase, A
inline constexpr const char* phase_names[3] = {"L1", "L2", "L3"};
}  // namespace metric

struct MetricRow {
  MetricKey key;
  TimePoint minute;  // start of the minute (UTC)
  double avg = 0;
  double max = 0;
  std::int64_t samples = 0;
};

struct MetricQuery {
  std::optional<TimePoint> from{};  // minute >= from
  std::optional<TimePoint> to{};    // minute < to
  std::optional<std::string> kind{};
  std::optional<std::string> source{};
  std::optional<std::string> quantity{};
};

inline constexpr std::chrono::hours default_metric_retention{24 * 30};

class MetricStore {
 public:
  explicit MetricStore(Database& db, std::chrono::hours retention = default_metric_retention)
      : db_(db), retention_(retention) {}

  // Writes rows in one transaction. A row for a minute already stored (a partial minute
  // written at shutdown, continued after a restart) is merged by sample count.
  void write(const std::vector<MetricRow>& rows);
  std::vector<MetricRow> list(const MetricQuery& q);

  // Deletes rows older than now - retention; returns how many.
  int prune(TimePoint now);
  // Prunes at the first call and then at most once an hour; the daemon calls it every
  // control period. Returns the number of rows deleted (0 when not due).
  int prune_if_due(TimePoint now);

  std::chrono::hours retention() const { return retention_; }

 private:
  Database& db_;
  std::chrono::hours retention_;
  std::optional<TimePoint> last_prune_;
};

// Collects samples every control period and writes one row per series per minute.
// A stale value is simply not sampled: the minute's average covers the samples that
// exist, and a minute without any sample has no row (never a zero).
class MetricAccumulator {
 public:
  explicit MetricAccumulator(MetricStore& store) : store_(store) {}

  void sample(const MetricKey& key, double value, TimePoint at);
  // One value per phase L1..L3; phases without a fresh value (nullopt) are skipped.
  void sample_phases(const std::string& kind, const std::string& source, const std::string& quantity,
                     const std::array<std::optional<double>, 3>& values, TimePoint at);
  // Writes every minute that ended before `now`; call once per control period.
  // Returns the number of rows written.
  int flush_completed(TimePoint now);
  // Writes everything, including the current partial minute (shutdown).
  int flush_all();

 private:
  struct Bucket {
    double sum = 0;
    double max = 0;
    std::int64_t samples = 0;
  };
  int flush_before(std::optional<std::int64_t> minute_ms);

  MetricStore& store_;
  std::map<std::pair<std::int64_t, MetricKey>, Bucket> buckets_;  // (minute ms, key)
};

TimePoint minute_start(TimePoint t);

}  // namespace ampgate::storage
