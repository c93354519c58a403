#include "storage/events.h"

#include <array>
#include <cstdio>

namespace ampgate::storage {

namespace {

constexpr std::array<std::pair<Severity, const char*>, 4> severity_names{{
    {Severity::debug, "debug"},
    {Severity::info, "info"},
    {Severity::warning, "warning"},
    {Severity::error, "error"},
}};

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
}

}  // namespace

const char* to_string(Severity s) {
  for (const auto& [value, name] : severity_names) {
    if (value == s) return name;
  }
  return "?";
}

std::optional<Severity> severity_from_string(std::string_view s) {
  for (const auto& [value, name] : severity_names) {
    if (s == name) return value;
  }
  return std::nullopt;
}

std::string details_to_json(const Details& d) {
  std::string out = "{";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, d[i].first);
    out += ':';
    append_json_string(out, d[i].second);
  }
  out += '}';
  return out;
}

std::int64_t EventStore::add(const Event& e) {
  Statement st(db_, "INSERT INTO events (at, severity, source, message, details) VALUES (?, ?, ?, ?, ?)");
  std::optional<std::string> details;
  if (!e.details.empty()) details = details_to_json(e.details);
  st.bind_all(to_unix_ms(e.at), to_string(e.severity), e.source, e.message, details);
  st.run();
  return db_.last_insert_id();
}

std::vector<Event> EventStore::list(const EventQuery& q) {
  // Severity order is by position in the fixed set; CASE maps the text to that order.
  Statement st(db_,
               "SELECT id, at, severity, source, message, details FROM events"
               " WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) AND (?3 IS NULL OR source = ?3)"
               " AND CASE severity WHEN 'debug' THEN 0 WHEN 'info' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END >= ?4"
               " ORDER BY at DESC, id DESC LIMIT ?5");
  std::optional<std::int64_t> from, to;
  if (q.from) from = to_unix_ms(*q.from);
  if (q.to) to = to_unix_ms(*q.to);
  st.bind_all(from, to, q.source, static_cast<int>(q.min_severity), q.limit);
  std::vector<Event> out;
  while (st.step()) {
    Event e;
    e.id = st.int64(0);
    e.at = from_unix_ms(st.int64(1));
    e.severity = severity_from_string(st.text(2)).value_or(Severity::error);
    e.source = st.text(3);
    e.message = st.text(4);
    out.push_back(std::move(e));
  }
  // Details are read back through SQLite's own JSON parser rather than a hand-written one.
  Statement kv(db_, "SELECT key, value FROM events, json_each(events.details) WHERE events.id = ?");
  for (auto& e : out) {
    kv.reset();
    kv.bind_all(e.id);
    while (kv.step()) e.details.emplace_back(kv.text(0), kv.text(1));
  }
  return out;
}

int EventStore::prune(TimePoint before) {
  Statement st(db_, "DELETE FROM events WHERE at < ?");
  st.bind_all(to_unix_ms(before));
  st.run();
  return db_.changes();
}

}  // namespace ampgate::storage
