#include "storage/commands.h"

namespace ampgate::storage {

namespace {

constexpr const char* columns = "charger, amps, phases, run, certain, watchdog_verified, written";

CommandRecord row_of(const Statement& s) {
  return {s.text(0), static_cast<int>(s.int64(1)), static_cast<int>(s.int64(2)), s.int64(3) != 0,
          s.int64(4) != 0, s.int64(5) != 0, from_unix_ms(s.int64(6))};
}

}  // namespace

void CommandStore::put(const CommandRecord& r) {
  Statement st(db_, std::string("INSERT OR REPLACE INTO commanded (") + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind_all(r.charger, r.amps, r.phases == 1 ? 1 : 3, r.run ? 1 : 0, r.certain ? 1 : 0, r.watchdog_verified ? 1 : 0,
              to_unix_ms(r.written));
  st.run();
}

std::optional<CommandRecord> CommandStore::get(const std::string& charger) {
  Statement st(db_, std::string("SELECT ") + columns + " FROM commanded WHERE charger = ?");
  st.bind(1, charger);
  if (!st.step()) return std::nullopt;
  return row_of(st);
}

std::vector<CommandRecord> CommandStore::all() {
  Statement st(db_, std::string("SELECT ") + columns + " FROM commanded ORDER BY charger");
  std::vector<CommandRecord> out;
  while (st.step()) out.push_back(row_of(st));
  return out;
}

}  // namespace ampgate::storage
