#include "storage/metrics.h"

#include <algorithm>

namespace ampgate::storage {

TimePoint minute_start(TimePoint t) { return std::chrono::floor<std::chrono::minutes>(t); }

void MetricStore::write(const std::vector<MetricRow>& rows) {
  if (rows.empty()) return;
  Transaction tx(db_);
  Statement st(db_,
               "INSERT INTO metrics (kind, source, quantity, phase, minute, avg, max, samples)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT (kind, source, quantity, phase, minute) DO UPDATE SET"
               "   avg = (avg * samples + excluded.avg * excluded.samples) / (samples + excluded.samples),"
               "   max = MAX(max, excluded.max),"
               "   samples = samples + excluded.samples");
  for (const auto& r : rows) {
    st.reset();
    st.bind_all(r.key.kind, r.key.source, r.key.quantity, r.key.phase, to_unix_ms(minute_start(r.minute)), r.avg,
                r.max, r.samples);
    st.run();
  }
  tx.commit();
}

std::vector<MetricRow> MetricStore::list(const MetricQuery& q) {
  Statement st(db_,
               "SELECT kind, source, quantity, phase, minute, avg, max, samples FROM metrics"
               " WHERE (?1 IS NULL OR minute >= ?1) AND (?2 IS NULL OR minute < ?2)"
               " AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR source = ?4) AND (?5 IS NULL OR quantity = ?5)"
               " ORDER BY kind, source, quantity, phase, minute");
  std::optional<std::int64_t> from, to;
  if (q.from) from = to_unix_ms(*q.from);
  if (q.to) to = to_unix_ms(*q.to);
  st.bind_all(from, to, q.kind, q.source, q.quantity);
  std::vector<MetricRow> out;
  while (st.step()) {
    MetricRow r;
    r.key = {st.text(0), st.text(1), st.text(2), st.text(3)};
    r.minute = from_unix_ms(st.int64(4));
    r.avg = st.real(5);
    r.max = st.real(6);
    r.samples = st.int64(7);
    out.push_back(std::move(r));
  }
  return out;
}

int MetricStore::prune(TimePoint now) {
  Statement st(db_, "DELETE FROM metrics WHERE minute < ?");
  st.bind_all(to_unix_ms(now - retention_));
  st.run();
  last_prune_ = now;
  return db_.changes();
}

int MetricStore::prune_if_due(TimePoint now) {
  // A clock stepped backwards (NTP after boot) also makes pruning due, so it is not stuck.
  if (last_prune_ && now >= *last_prune_ && now - *last_prune_ < std::chrono::hours{1}) return 0;
  return prune(now);
}

void MetricAccumulator::sample(const MetricKey& key, double value, TimePoint at) {
  auto& b = buckets_[{to_unix_ms(minute_start(at)), key}];
  b.max = b.samples == 0 ? value : std::max(b.max, value);
  b.sum += value;
  ++b.samples;
}

void MetricAccumulator::sample_phases(const std::string& kind, const std::string& source, const std::string& quantity,
                                      const std::array<std::optional<double>, 3>& values, TimePoint at) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) sample({kind, source, quantity, metric::phase_names[i]}, *values[i], at);
  }
}

int MetricAccumulator::flush_before(std::optional<std::int64_t> minute_ms) {
  std::vector<MetricRow> rows;
  auto it = buckets_.begin();
  for (; it != buckets_.end() && (!minute_ms || it->first.first < *minute_ms); ++it) {
    const auto& [when, key] = it->first;
    const auto& b = it->second;
    rows.push_back({key, from_unix_ms(when), b.sum / static_cast<double>(b.samples), b.max, b.samples});
  }
  // Written first, erased after: if the write throws, the samples stay for the next flush.
  store_.write(rows);
  buckets_.erase(buckets_.begin(), it);
  return static_cast<int>(rows.size());
}

int MetricAccumulator::flush_completed(TimePoint now) { return flush_before(to_unix_ms(minute_start(now))); }

int MetricAccumulator::flush_all() { return flush_before(std::nullopt); }

}  // namespace ampgate::storage
