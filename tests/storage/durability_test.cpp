// kill -9 at random moments while sessions are written: after reopening, the database is
// intact and every session that was started exists exactly once.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "storage/database.h"
#include "storage/sessions.h"
#include "tests/support/temp_dir.h"

using namespace ampgate::storage;
using namespace std::chrono_literals;
using ampgate::test::TempDir;

namespace {

constexpr int chargers = 3;
constexpr int max_iterations = 20'000;  // the writer stops by itself if never killed
const TimePoint t0 = from_unix_ms(1'709'647'200'000);

void report(int fd, const std::string& line) {
  const std::string text = line + "\n";
  // One write() per line, after the commit: the parent only hears of committed rows.
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) _exit(3);
}

// The child: a gateway in miniature that restarts the way the daemon does (resume what the
// chargers still charge) and then starts, progresses and ends sessions on three chargers.
[[noreturn]] void writer(const std::string& path, int fd) {
  try {
    auto db = open_database(path);
    SessionStore store(db);
    std::map<std::string, double> counter;
    TimePoint now = t0;
    for (auto& s : store.list({})) {
      if (s.last_counter_wh) counter[s.charger] = std::max(counter[s.charger], *s.last_counter_wh);
      now = std::max(now, s.updated + 1s);
    }
    std::vector<ChargerReport> reports;
    for (int c = 0; c < chargers; ++c) {
      const auto id = "c" + std::to_string(c);
      reports.push_back({id, true, counter[id], std::nullopt});
    }
    for (const auto& s : store.resume_or_close(reports).resumed) report(fd, "resume " + std::to_string(s.id));

    for (int i = 0; i < max_iterations; ++i, now += 1s) {
      const auto id = "c" + std::to_string(i % chargers);
      auto open = store.open_session(id);
      if (!open) {
        auto s = store.start({id, now, counter[id], 3, "fast", std::nullopt});
        report(fd, "start " + std::to_string(s.id) + " " + id + " " + std::to_string(to_unix_ms(now)));
        continue;
      }
      counter[id] += 10;
      SessionProgress p;
      p.at = now;
      p.counter_wh = counter[id];
      p.current_a = 16;
      p.phases = 3;
      if ((i / chargers) % 7 == 0) {  // every charger ends a session every 7th visit
        store.end(open->id, p, StopReason::unplugged);
        report(fd, "end " + std::to_string(open->id));
      } else {
        store.progress(open->id, p);
        report(fd, "progress " + std::to_string(open->id));
      }
    }
  } catch (const std::exception& e) {
    report(fd, std::string("error ") + e.what());
    _exit(2);
  }
  _exit(0);
}

struct Reported {
  std::vector<std::string> lines;
};

// Starts the writer, reads `kill_after` lines, kills it with SIGKILL and collects the rest.
Reported run_and_kill(const std::string& path, int kill_after) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    writer(path, fds[1]);
  }
  close(fds[1]);
  Reported r;
  std::string pending;
  char buf[4096];
  bool killed = false;
  auto count_lines = [&] { return static_cast<int>(r.lines.size()); };
  for (;;) {
    if (!killed && count_lines() >= kill_after) {
      kill(pid, SIGKILL);
      killed = true;
    }
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // EOF: the writer is gone (killed or finished)
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
      r.lines.push_back(pending.substr(0, nl));
    }
  }
  close(fds[0]);
  if (!killed) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return r;
}

}  // namespace

TEST(Durability, KillNineAtRandomMomentsLosesAndDuplicatesNoSession) {
  TempDir dir;
  const auto path = (dir.path() / "gw.db").string();
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> lines_before_kill(10, 120);

  std::map<std::int64_t, std::pair<std::string, std::int64_t>> started;  // id -> charger, start ms
  std::set<std::int64_t> ended;
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto r = run_and_kill(path, lines_before_kill(rng));
    for (const auto& line : r.lines) {
      std::istringstream in(line);
      std::string what;
      std::int64_t id = 0;
      in >> what;
      ASSERT_NE(what, "error") << line;
      in >> id;
      if (what == "start") {
        std::string charger;
        std::int64_t ms = 0;
        in >> charger >> ms;
        EXPECT_TRUE(started.emplace(id, std::make_pair(charger, ms)).second) << "id reused: " << line;
      } else if (what == "end") {
        ended.insert(id);
      }
    }

    auto db = open_database(path);
    ASSERT_EQ(db.query_text("PRAGMA integrity_check"), "ok");
    SessionStore store(db);
    for (const auto& [id, who] : started) {
      auto s = store.find(id);
      ASSERT_TRUE(s) << "session " << id << " was reported started but is missing";
      EXPECT_EQ(s->charger, who.first);
      EXPECT_EQ(to_unix_ms(s->started), who.second);
      if (ended.count(id)) {
        EXPECT_TRUE(s->ended) << "session " << id << " was reported ended";
      }
    }
    EXPECT_EQ(db.query_int("SELECT count(*) FROM (SELECT 1 FROM sessions GROUP BY charger, started"
                           " HAVING count(*) > 1)"),
              0);
    // At most the one statement in flight at the kill can have committed unreported.
    const auto rows = db.query_int("SELECT count(*) FROM sessions");
    EXPECT_GE(rows, static_cast<std::int64_t>(started.size()));
    EXPECT_LE(rows, static_cast<std::int64_t>(started.size()) + 1);
    // Adopt an unreported start so the next round's bookkeeping stays exact.
    for (const auto& s : store.list({})) started.emplace(s.id, std::make_pair(s.charger, to_unix_ms(s.started)));
    EXPECT_LE(store.open_sessions().size(), static_cast<size_t>(chargers));
  }
  // Each restart found the same charges going on, so every session was continued, never
  // closed as gateway_restart, and the open ones continue once more here.
  auto db = open_database(path);
  SessionStore store(db);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sessions WHERE stop_reason = 'gateway_restart'"), 0);
  const auto open = store.open_sessions();
  EXPECT_LE(open.size(), static_cast<size_t>(chargers));
  std::vector<ChargerReport> reports;
  for (const auto& s : open) reports.push_back({s.charger, true, s.last_counter_wh, std::nullopt});
  EXPECT_EQ(store.resume_or_close(reports).resumed.size(), open.size());
  EXPECT_GE(started.size(), 3u);  // round 0 alone starts one session per charger
}
