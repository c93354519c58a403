// `ampgate sessions`: the charging sessions in the gateway's database, as a table with
// totals per charger or as CSV for a billing system. Times are UTC (docs/storage.md).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/cli/options.h"
#include "gateway/config_load.h"
#include "storage/database.h"
#include "storage/sessions.h"

namespace ampgate::cli {
namespace {

using storage::Session;

constexpr const char* usage_text =
    "sessions (--db PATH | --config SITE.yaml) [--from DATE] [--to DATE] [--charger ID] [--csv]";

constexpr const char* summary = "list charging sessions with totals per charger (or as CSV)";

struct SessionsArgs {
  std::string db;
  std::string config;  // the site file, whose storage.database names the database
  storage::SessionQuery query;
  bool csv = false;
};

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// --from: sessions started at or after. --to: started before; a plain date includes its whole day.
std::optional<storage::TimePoint> parse_bound(const std::string& flag, const std::string& text, bool upper,
                                              std::string& error) {
  auto t = storage::parse_utc(text);
  if (!t) {
    error = flag + " '" + text + "' is not a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])";
    return std::nullopt;
  }
  if (upper && storage::is_plain_date(text)) *t += std::chrono::days{1};
  return t;
}

// Nothing when the arguments are good, else the exit code (after --help or an error).
std::optional<int> parse(const Args& args, SessionsArgs& o) {
  Options parser("sessions", usage_text, summary);
  auto& app = parser.app();
  std::string from, to;
  app.add_option("--db", o.db, "the gateway's database")->type_name("PATH");
  parser.config(o.config)->description("the site file, whose storage.database names the database");
  app.add_option("--from", from, "sessions started at or after (YYYY-MM-DD or a timestamp, UTC)")->type_name("DATE");
  app.add_option("--to", to, "sessions started before; a plain date includes its whole day")->type_name("DATE");
  app.add_option_function<std::string>("--charger", [&o](const std::string& id) { o.query.charger = id; }, "one charger's sessions")
      ->type_name("ID");
  app.add_flag("--csv", o.csv, "CSV for a billing system instead of the table");
  parser.log_level();
  app.footer("DATE is YYYY-MM-DD (a whole UTC day) or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM].\n"
             "--csv prints RFC 4180 CSV (energy in kWh) without totals.");
  if (auto code = parser.parse(args)) return code;
  std::string error;
  if (!from.empty() && !(o.query.from = parse_bound("--from", from, false, error))) return parser.usage_error(error);
  if (!to.empty() && !(o.query.to = parse_bound("--to", to, true, error))) return parser.usage_error(error);
  if (o.db.empty() == o.config.empty()) return parser.usage_error("give either --db PATH or --config SITE.yaml");
  if (o.query.from && o.query.to && *o.query.from >= *o.query.to) return parser.usage_error("--from is not before --to");
  return std::nullopt;
}

std::string ended_text(const Session& s) { return s.ended ? storage::format_utc(*s.ended) : "ongoing"; }
std::string reason_text(const Session& s) { return s.stop_reason ? storage::to_string(*s.stop_reason) : "-"; }

// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF lines.
std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void print_csv(const std::vector<Session>& sessions, std::ostream& out) {
  out << "id,charger,started,ended,energy_kwh,energy_source,peak_current_a,phases,mode,stop_reason,vehicle_id\r\n";
  for (const auto& s : sessions) {
    const std::vector<std::string> fields{
        std::to_string(s.id), s.charger, storage::format_utc(s.started),
        s.ended ? storage::format_utc(*s.ended) : "", fixed(s.energy_wh / 1000.0, 3),
        storage::to_string(s.energy_source), fixed(s.peak_current_a, 1), std::to_string(s.phases), s.mode,
        s.stop_reason ? storage::to_string(*s.stop_reason) : "", s.vehicle_id.value_or("")};
    for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_field(fields[i]);
    out << "\r\n";
  }
}

// Columns padded to their widest cell; numbers right-aligned so decimals line up.
void print_rows(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right, std::ostream& out) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - r[c].size(), ' ');
      if (c) line += "  ";
      line += right[c] ? pad + r[c] : r[c] + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  }
}

void print_table(const std::vector<Session>& sessions, std::ostream& out) {
  std::vector<std::vector<std::string>> rows{
      {"charger", "started (UTC)", "ended (UTC)", "kWh", "peak A", "phases", "mode", "stop reason", "vehicle"}};
  struct Total {
    int count = 0;
    double wh = 0;
  };
  std::map<std::string, Total> totals;
  for (const auto& s : sessions) {
    rows.push_back({s.charger, storage::format_utc(s.started), ended_text(s), fixed(s.energy_wh / 1000.0, 2),
                    fixed(s.peak_current_a, 1), std::to_string(s.phases), s.mode, reason_text(s),
                    s.vehicle_id.value_or("-")});
    auto& t = totals[s.charger];
    ++t.count;
    t.wh += s.energy_wh;
  }
  print_rows(rows, {false, false, false, true, true, true, false, false, false}, out);

  out << "\ntotals per charger\n";
  std::vector<std::vector<std::string>> sums{{"charger", "sessions", "kWh"}};
  Total all;
  for (const auto& [charger, t] : totals) {
    sums.push_back({charger, std::to_string(t.count), fixed(t.wh / 1000.0, 2)});
    all.count += t.count;
    all.wh += t.wh;
  }
  sums.push_back({"all", std::to_string(all.count), fixed(all.wh / 1000.0, 2)});
  print_rows(sums, {false, true, true}, out);
}

int run(const Args& args) {
  SessionsArgs o;
  if (auto code = parse(args, o)) return *code;
  if (!o.config.empty()) {
    const auto loaded = config::load_site_file(o.config);
    if (!loaded.site) {
      for (const auto& p : loaded.problems) std::cerr << p.format() << "\n";
      return exit_usage;  // an invalid configuration, as for `ampgate check`
    }
    o.db = loaded.site->storage.database;
  }
  try {
    auto db = storage::open_database(o.db, {.create = false});
    const auto sessions = storage::SessionStore(db).list(o.query);
    if (o.csv) {
      print_csv(sessions, std::cout);
    } else if (sessions.empty()) {
      std::cout << "no sessions match\n";
    } else {
      print_table(sessions, std::cout);
    }
    return exit_ok;
  } catch (const storage::StorageError& e) {
    std::cerr << "ampgate sessions: " << e.what() << "\n";
    return exit_failure;
  }
}

const Verb sessions_verb{"sessions", usage_text, summary, run};

}  // namespace
}  // namespace ampgate::cli
