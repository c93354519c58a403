// `ampgate sessions` run as a user runs it, on a real database file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "storage/database.h"
#include "storage/sessions.h"
#include "tests/support/temp_dir.h"
#include "tests/support/run_program.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::run_program;
using ampgate::test::TempDir;
using testing::HasSubstr;
using testing::Not;

namespace {

TimePoint day(int d, int h = 0) {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2024} / 3 / d}} + std::chrono::hours{h};
}

std::vector<std::string> lines(const std::string& text, const std::string& eol = "\n") {
  std::vector<std::string> out;
  size_t pos = 0;
  for (size_t next; (next = text.find(eol, pos)) != std::string::npos; pos = next + eol.size()) {
    out.push_back(text.substr(pos, next - pos));
  }
  return out;
}

struct SessionsVerb : testing::Test {
  TempDir dir;
  std::string db_path = (dir.path() / "site.db").string();

  void SetUp() override {
    auto db = open_database(db_path);
    SessionStore store(db);
    auto add = [&](const char* charger, TimePoint start, double wh, double peak, StopReason reason,
                   std::optional<std::string> vehicle = {}) {
      auto s = store.start({charger, start, 0.0, 3, "fast", vehicle});
      SessionProgress p;
      p.at = start + 2h;
      p.counter_wh = wh;
      p.current_a = peak;
      p.phases = 3;
      store.end(s.id, p, reason);
    };
    add("garage", day(4, 18), 11'000, 16, StopReason::unplugged);
    add("carport", day(5, 8), 7'250, 10.5, StopReason::stopped_by_ev, "CARD,\"7\"");
    add("garage", day(5, 19), 20'500, 16, StopReason::stopped_by_user);
    auto open = store.start({"carport", day(6, 7), 100.0, 1, "solar", std::nullopt});
    SessionProgress p;
    p.at = day(6, 8);
    p.counter_wh = 1'600.0;
    p.current_a = 13;
    p.phases = 1;
    store.progress(open.id, p);
  }

  ampgate::test::ProgramResult run(std::vector<std::string> args) {
    args.insert(args.begin(), "sessions");
    return run_program(AMPGATE_BINARY, args);
  }
};

}  // namespace

TEST_F(SessionsVerb, TableListsEverySessionWithTotalsPerCharger) {
  auto r = run({"--db", db_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_GE(out.size(), 10u) << r.out;
  EXPECT_THAT(out[0], testing::MatchesRegex("charger +started \\(UTC\\) +ended \\(UTC\\) +kWh +peak A +phases +mode "
                                            "+stop reason +vehicle"));
  EXPECT_THAT(out[1], testing::MatchesRegex("garage +2024-03-04T18:00:00Z +2024-03-04T20:00:00Z +11\\.00 +16\\.0 +3 "
                                            "+fast +unplugged +-"));
  EXPECT_THAT(out[2], HasSubstr("stopped_by_ev"));
  EXPECT_THAT(out[2], HasSubstr("CARD,\"7\""));
  EXPECT_THAT(out[4], testing::MatchesRegex("carport +2024-03-06T07:00:00Z +ongoing +1\\.50 +13\\.0 +1 +solar +- +-"));
  // Aligned: the kWh column ends at the same position on every row.
  const auto kwh_end = out[0].find("kWh") + 3;
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(out[i].find_first_of(' ', out[i].find('.') ), kwh_end) << out[i];

  EXPECT_EQ(out[5], "");
  EXPECT_EQ(out[6], "totals per charger");
  EXPECT_THAT(out[8], testing::MatchesRegex("carport +2 +8\\.75"));
  EXPECT_THAT(out[9], testing::MatchesRegex("garage +2 +31\\.50"));
  EXPECT_THAT(out[10], testing::MatchesRegex("all +4 +40\\.25"));
}

TEST_F(SessionsVerb, FiltersByDayRangeAndCharger) {
  auto r = run({"--db", db_path, "--from", "2024-03-05", "--to", "2024-03-05"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2024-03-05T08:00:00Z"));
  EXPECT_THAT(r.out, HasSubstr("2024-03-05T19:00:00Z"));  // --to DATE includes that whole day
  EXPECT_THAT(r.out, Not(HasSubstr("2024-03-04T18")));
  EXPECT_THAT(r.out, Not(HasSubstr("ongoing")));
  EXPECT_THAT(r.out, testing::ContainsRegex("all +2 +27\\.75"));

  r = run({"--db", db_path, "--charger", "garage"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("carport")));
  EXPECT_THAT(r.out, testing::ContainsRegex("all +2 +31\\.50"));

  r = run({"--db", db_path, "--from", "2024-03-05T12:00:00+01:00", "--to", "2024-03-06T07:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, testing::ContainsRegex("all +1 +20\\.50"));  // only the 19:00 session

  r = run({"--db", db_path, "--charger", "nobody"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "no sessions match\n");
}

TEST_F(SessionsVerb, CsvIsRfc4180WithAHeader) {
  auto r = run({"--db", db_path, "--csv", "--charger", "carport"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines(r.out, "\r\n");
  ASSERT_EQ(rows.size(), 3u) << r.out;
  EXPECT_EQ(rows[0],
            "id,charger,started,ended,energy_kwh,energy_source,peak_current_a,phases,mode,stop_reason,vehicle_id");
  EXPECT_EQ(rows[1], "2,carport,2024-03-05T08:00:00Z,2024-03-05T10:00:00Z,7.250,counter,10.5,3,fast,stopped_by_ev,"
                     "\"CARD,\"\"7\"\"\"");
  EXPECT_EQ(rows[2], "4,carport,2024-03-06T07:00:00Z,,1.500,counter,13.0,1,solar,,");
  EXPECT_THAT(r.out, Not(HasSubstr("totals")));
}

TEST_F(SessionsVerb, BadDateIsAUsageErrorNamingTheArgument) {
  auto r = run({"--db", db_path, "--from", "2024-02-30"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--from '2024-02-30' is not a date"));
  EXPECT_EQ(r.out, "");

  r = run({"--db", db_path, "--to", "last tuesday"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--to 'last tuesday'"));

  r = run({"--db", db_path, "--from", "2024-03-06", "--to", "2024-03-05"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--from is not before --to"));

  r = run({"--db", db_path, "--colour"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown option '--colour'"));

  r = run({"--from", "2024-03-05"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give either --db PATH or --config SITE.yaml"));
}

TEST_F(SessionsVerb, MissingDatabaseIsAOneLineErrorAndCreatesNothing) {
  const auto missing = (dir.path() / "typo.db").string();
  auto r = run({"--db", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ampgate sessions: " + missing + ": no such database file\n");
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(SessionsVerb, ReadsWhileTheGatewayIsWritingAndShowsOnlyCommittedSessions) {
  auto gateway = open_database(db_path);
  Transaction in_flight(gateway);  // the daemon in the middle of a write
  SessionStore(gateway).start({"garage", day(7, 9), 0.0, 3, "fast", std::nullopt});
  auto r = run({"--db", db_path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, testing::ContainsRegex("all +4 +"));
  EXPECT_THAT(r.out, Not(HasSubstr("2024-03-07")));
}

TEST_F(SessionsVerb, DatabaseFromANewerReleaseIsRefused) {
  {
    Database db(db_path, Database::Access::read_write_existing);
    db.exec("PRAGMA user_version = 99");
  }
  auto r = run({"--db", db_path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(db_path + ": database schema version 99 is newer"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

namespace {
// One of the project's example sites, pointed at this test's database.
std::string write_site(const std::filesystem::path& dir, const std::string& db, const std::string& extra = "") {
  std::ifstream example(AMPGATE_SOURCE_DIR "/examples/home-1phase-p1.yaml");
  std::stringstream text;
  text << example.rdbuf() << "\nstorage:\n  database: " << db << "\n" << extra;
  const auto path = (dir / "site.yaml").string();
  std::ofstream(path) << text.str();
  return path;
}
}  // namespace

TEST_F(SessionsVerb, ConfigNamesTheDatabase) {
  const auto site = write_site(dir.path(), db_path);
  auto r = run({"--config", site, "--charger", "garage"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, testing::ContainsRegex("all +2 +31\\.50"));
}

TEST_F(SessionsVerb, InvalidConfigIsReportedWithItsLocation) {
  const auto site = write_site(dir.path(), db_path, "  retention_days: lots\n");
  auto r = run({"--config", site});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(site + ":"));
  EXPECT_THAT(r.err, HasSubstr("retention_days"));
  EXPECT_EQ(r.out, "");

  r = run({"--config", site, "--db", db_path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give either --db PATH or --config SITE.yaml"));
}
