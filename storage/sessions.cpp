#include "storage/sessions.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ampgate::storage {

namespace {

constexpr std::array<std::pair<StopReason, const char*>, 5> stop_reason_names{{
    {StopReason::unplugged, "unplugged"},
    {StopReason::stopped_by_ev, "stopped_by_ev"},
    {StopReason::stopped_by_user, "stopped_by_user"},
    {StopReason::fault, "fault"},
    {StopReason::gateway_restart, "gateway_restart"},
}};

constexpr const char* session_columns =
    "id, charger, started, updated, ended, energy_wh, energy_source, start_counter_wh, last_counter_wh, "
    "peak_current_a, phases, mode, stop_reason, vehicle_id";

Session read_session(const Statement& st) {
  Session s;
  s.id = st.int64(0);
  s.charger = st.text(1);
  s.started = from_unix_ms(st.int64(2));
  s.updated = from_unix_ms(st.int64(3));
  if (auto e = st.opt_int64(4)) s.ended = from_unix_ms(*e);
  s.energy_wh = st.real(5);
  s.energy_source = st.text(6) == "counter" ? EnergySource::counter : EnergySource::integrated;
  s.start_counter_wh = st.opt_real(7);
  s.last_counter_wh = st.opt_real(8);
  s.peak_current_a = st.real(9);
  s.phases = static_cast<int>(st.int64(10));
  s.mode = st.text(11);
  if (auto r = st.opt_text(12)) s.stop_reason = stop_reason_from_string(*r);
  s.vehicle_id = st.opt_text(13);
  return s;
}

std::vector<Session> read_all(Statement& st) {
  std::vector<Session> out;
  while (st.step()) out.push_back(read_session(st));
  return out;
}

bool same_charge(const Session& s, const ChargerReport& r) {
  if (!r.vehicle_connected) return false;
  if (s.vehicle_id && r.vehicle_id && *s.vehicle_id != *r.vehicle_id) return false;
  if (s.energy_source == EnergySource::counter) {
    // A counter that went back means the charger rebooted or a new session began on it.
    if (!r.counter_wh || !s.last_counter_wh || *r.counter_wh < *s.last_counter_wh) return false;
  }
  return true;
}

}  // namespace

const char* to_string(StopReason r) {
  for (const auto& [value, name] : stop_reason_names) {
    if (value == r) return name;
  }
  return "?";
}

std::optional<StopReason> stop_reason_from_string(std::string_view s) {
  for (const auto& [value, name] : stop_reason_names) {
    if (s == name) return value;
  }
  return std::nullopt;
}

const char* to_string(EnergySource s) { return s == EnergySource::counter ? "counter" : "integrated"; }

Session SessionStore::start(const SessionStart& s) {
  if (auto open = open_session(s.charger)) {
    throw StorageError(db_.path() + ": charger '" + s.charger + "' already has an open session (id " +
                       std::to_string(open->id) + "); end it before starting another");
  }
  const auto source = s.counter_wh ? EnergySource::counter : EnergySource::integrated;
  Statement st(db_,
               "INSERT INTO sessions (charger, started, updated, energy_source, start_counter_wh, last_counter_wh, "
               "phases, mode, vehicle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const auto at = to_unix_ms(s.at);
  st.bind_all(s.charger, at, at, to_string(source), s.counter_wh, s.counter_wh, std::clamp(s.phases, 0, 3), s.mode,
              s.vehicle_id);
  st.run();
  return require(db_.last_insert_id());
}

Session SessionStore::apply_progress(std::int64_t id, const SessionProgress& p) {
  Session s = require(id);
  if (s.ended) {
    throw StorageError(db_.path() + ": session " + std::to_string(id) + " of charger '" + s.charger +
                       "' has already ended");
  }
  if (s.energy_source == EnergySource::counter) {
    if (p.counter_wh) {
      // Sum increases only: after a counter reset the energy so far is kept and the new
      // reading becomes the base, instead of a negative or huge jump.
      if (s.last_counter_wh && *p.counter_wh >= *s.last_counter_wh) s.energy_wh += *p.counter_wh - *s.last_counter_wh;
      s.last_counter_wh = p.counter_wh;
    }
    // No reading this time: the next reading's difference covers the gap.
  } else if (p.integrated_wh > 0) {
    s.energy_wh += p.integrated_wh;
  }
  s.peak_current_a = std::max(s.peak_current_a, p.current_a);
  s.phases = std::max(s.phases, std::clamp(p.phases, 0, 3));
  if (p.mode) s.mode = *p.mode;
  if (p.vehicle_id) s.vehicle_id = p.vehicle_id;
  s.updated = std::max(s.updated, p.at);

  Statement st(db_,
               "UPDATE sessions SET updated = ?, energy_wh = ?, last_counter_wh = ?, peak_current_a = ?, phases = ?, "
               "mode = ?, vehicle_id = ? WHERE id = ?");
  st.bind_all(to_unix_ms(s.updated), s.energy_wh, s.last_counter_wh, s.peak_current_a, s.phases, s.mode,
              s.vehicle_id, id);
  st.run();
  return s;
}

Session SessionStore::progress(std::int64_t id, const SessionProgress& p) {
  Transaction tx(db_);
  Session s = apply_progress(id, p);
  tx.commit();
  return s;
}

void SessionStore::progress_all(const std::vector<std::pair<std::int64_t, SessionProgress>>& updates) {
  if (updates.empty()) return;
  Transaction tx(db_);
  for (const auto& [id, p] : updates) apply_progress(id, p);
  tx.commit();
}

void SessionStore::close(const Session& s, TimePoint at, StopReason reason) {
  Statement st(db_, "UPDATE sessions SET ended = ?, updated = ?, stop_reason = ? WHERE id = ? AND ended IS NULL");
  const auto ms = to_unix_ms(std::max(at, s.started));
  st.bind_all(ms, std::max(ms, to_unix_ms(s.updated)), to_string(reason), s.id);
  st.run();
}

Session SessionStore::end(std::int64_t id, const SessionProgress& last, StopReason reason) {
  Transaction tx(db_);
  Session s = apply_progress(id, last);
  close(s, last.at, reason);
  tx.commit();
  return require(id);
}

ResumeResult SessionStore::resume_or_close(const std::vector<ChargerReport>& reports) {
  ResumeResult result;
  Transaction tx(db_);
  for (auto& s : open_sessions()) {
    const auto report = std::find_if(reports.begin(), reports.end(),
                                     [&](const ChargerReport& r) { return r.charger == s.charger; });
    if (report != reports.end() && same_charge(s, *report)) {
      result.resumed.push_back(std::move(s));
    } else {
      close(s, s.updated, StopReason::gateway_restart);
      result.closed.push_back(require(s.id));
    }
  }
  tx.commit();
  return result;
}

Session SessionStore::require(std::int64_t id) {
  auto s = find(id);
  if (!s) throw StorageError(db_.path() + ": no session with id " + std::to_string(id));
  return *s;
}

std::optional<Session> SessionStore::find(std::int64_t id) {
  Statement st(db_, std::string("SELECT ") + session_columns + " FROM sessions WHERE id = ?");
  st.bind_all(id);
  if (!st.step()) return std::nullopt;
  return read_session(st);
}

std::optional<Session> SessionStore::open_session(const std::string& charger) {
  Statement st(db_, std::string("SELECT ") + session_columns + " FROM sessions WHERE charger = ? AND ended IS NULL");
  st.bind_all(charger);
  if (!st.step()) return std::nullopt;
  return read_session(st);
}

std::vector<Session> SessionStore::open_sessions() {
  Statement st(db_, std::string("SELECT ") + session_columns + " FROM sessions WHERE ended IS NULL ORDER BY id");
  return read_all(st);
}

std::vector<Session> SessionStore::list(const SessionQuery& q) {
  // NULL parameters switch a filter off, so one prepared statement serves every combination.
  Statement st(db_, std::string("SELECT ") + session_columns +
                        " FROM sessions WHERE (?1 IS NULL OR started >= ?1) AND (?2 IS NULL OR started < ?2)"
                        " AND (?3 IS NULL OR charger = ?3) ORDER BY started, id");
  std::optional<std::int64_t> from, to;
  if (q.from) from = to_unix_ms(*q.from);
  if (q.to) to = to_unix_ms(*q.to);
  st.bind_all(from, to, q.charger);
  return read_all(st);
}

}  // namespace ampgate::storage
