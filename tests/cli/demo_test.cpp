// `ampgate demo`, the README's first command: the real gateway against the built-in
// simulated site, judged by the simulator's fuse log and the gateway's own database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

using ampgate::test::run_program;
using ampgate::test::TempDir;

namespace {

int count_rows(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return -1;
  }
  sqlite3_stmt* st = nullptr;
  int n = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

TEST(Demo, ControlsTheSimulatedSiteWithoutExceedingAnyLimit) {
  TempDir dir("demo");
  // 15 s of real time is 150 simulated seconds: the first two cars have arrived.
  auto r = run_program(AMPGATE_BINARY, {"demo", "--port", "0", "--duration", "15", "--dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("simulated site 'Farm' with 3 chargers"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no limit exceeded"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("site under control"), std::string::npos) << r.err;

  const std::string db = (dir.path() / "ampgate.db").string();
  // The workshop car arrives after one simulated minute, the KEBA's after three.
  EXPECT_GE(count_rows(db, "SELECT count(*) FROM sessions WHERE energy_wh > 0"), 1);
  // A clean stop closes every session.
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM sessions WHERE ended IS NULL"), 0);
  EXPECT_GE(count_rows(db, "SELECT count(*) FROM events WHERE message = 'watchdog programmed'"), 3);
}

TEST(Demo, RejectsUnknownOptions) {
  auto r = run_program(AMPGATE_BINARY, {"demo", "--frobnicate", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option '--frobnicate'"), std::string::npos) << r.err;
}

}  // namespace

// Issue 14: `demo` takes --log-level like `run` (it was refused before).
TEST(Demo, TakesLogLevelDebugAndLogsTheSetpoints) {
  TempDir dir("demo");
  auto r = run_program(AMPGATE_BINARY, {"demo", "--log-level", "debug", "--port", "0", "--duration", "4", "--dir",
                                        dir.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("setpoint"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("debug"), std::string::npos) << r.err;
}
