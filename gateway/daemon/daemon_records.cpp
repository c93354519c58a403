// The records behind the published view: sessions, events and per-minute history, read
// through the view's own database connection (the loop writes through its own).
#include <map>

#include "gateway/daemon/daemon_view.h"
#include "storage/events.h"
#include "storage/metrics.h"
#include "storage/sessions.h"

namespace ampgate::gateway {

using view::EventRow;
using view::MetricsHistory;
using view::SessionRow;
using view::WallTime;

std::vector<SessionRow> DaemonView::sessions(const view::SessionQuery& q) const {
  std::lock_guard lock(db_mutex_);
  storage::SessionStore store(*db_);
  storage::SessionQuery sq;
  sq.from = q.from;
  sq.to = q.to;
  sq.charger = q.charger;
  std::vector<SessionRow> rows;
  for (const auto& s : store.list(sq)) {
    if (rows.size() >= q.limit) break;
    rows.push_back({std::to_string(s.id), s.charger, s.started, s.ended, s.energy_wh});
  }
  return rows;
}

std::vector<EventRow> DaemonView::events(const view::EventQuery& q) const {
  std::lock_guard lock(db_mutex_);
  storage::EventStore store(*db_);
  storage::EventQuery eq;
  eq.from = q.from;
  eq.to = q.to;
  eq.limit = static_cast<int>(q.limit);
  std::vector<EventRow> rows;
  for (const auto& e : store.list(eq)) {
    EventRow r;
    r.time = e.at;
    // Sources are "charger garage-1", "meter grid", "config", ...: the first word is the kind.
    auto space = e.source.find(' ');
    r.kind = e.source.substr(0, space);
    if (r.kind == "charger" && space != std::string::npos) r.charger = e.source.substr(space + 1);
    for (const auto& [k, val] : e.details)
      if (k == "charger") r.charger = val;
    r.message = e.message;
    rows.push_back(std::move(r));
  }
  return rows;
}

MetricsHistory DaemonView::history(WallTime from, WallTime to) const {
  std::vector<storage::MetricRow> rows;
  {
    std::lock_guard lock(db_mutex_);
    storage::MetricStore store(*db_);
    storage::MetricQuery q;
    q.from = from;
    q.to = to;
    rows = store.list(q);
  }
  double limit = site().mains.effective_limit;
  std::map<WallTime, std::size_t> index;
  for (const auto& r : rows) index.emplace(r.minute, 0);
  MetricsHistory h;
  for (auto& [t, i] : index) {
    i = h.times.size();
    h.times.push_back(t);
  }
  for (auto& series : h.mains) series.assign(h.times.size(), std::nullopt);
  h.mains_limit.assign(h.times.size(), limit);
  std::map<std::string, std::size_t> charger_index;
  for (const auto& r : rows) {
    std::size_t i = index[r.minute];
    if (r.key.kind == storage::metric::circuit && r.key.source == config::mains_circuit_id &&
        r.key.quantity == storage::metric::current) {
      for (int p = 0; p < 3; ++p)
        if (r.key.phase == storage::metric::phase_names[p]) h.mains[p][i] = r.avg;
    } else if (r.key.kind == storage::metric::charger && r.key.quantity == storage::metric::actual) {
      auto [it, fresh] = charger_index.emplace(r.key.source, h.chargers.size());
      if (fresh) h.chargers.push_back({r.key.source, std::vector<std::optional<double>>(h.times.size())});
      auto& cell = h.chargers[it->second].current[i];
      cell = std::max(cell.value_or(0.0), r.avg);  // highest phase in that minute
    }
  }
  return h;
}

}  // namespace ampgate::gateway
