#include "tests/daemon/harness.h"

#include <cstdlib>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <httplib.h>

extern char** environ;

namespace ampgate::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<Seconds> poll_until(Seconds limit, const std::function<bool()>& done, Seconds step) {
  const auto start = Clock::now();
  while (true) {
    if (done()) return Clock::now() - start;
    if (Clock::now() - start > limit) return std::nullopt;
    std::this_thread::sleep_for(step);
  }
}

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Child::Child(const std::string& program, const std::vector<std::string>& args, const fs::path& out, const fs::path& err)
    : out_(out), err_(err) {
  std::vector<std::string> all{program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
}

Child::~Child() { kill_hard(); }

bool Child::running() {
  if (status_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
  return !status_;
}

void Child::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::optional<int> Child::wait_exit(Seconds limit) {
  poll_until(limit, [this] { return !running(); }, std::chrono::milliseconds(20));
  return status_;
}

void Child::kill_hard() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (waitpid(pid_, &status, 0) == pid_) status_ = status;
}

std::string Child::out() const { return slurp(out_); }
std::string Child::err() const { return slurp(err_); }

// ---------------------------------------------------------------------------------------

SimProcess::SimProcess(const fs::path& dir, const std::string& site, const std::string& scenario)
    : site_out_(dir / "sim-site.yaml"),
      child_(AMPGATE_BINARY,
             {"simulate", site, "--scenario", scenario, "--write-site", site_out_.string(), "--tcp-ephemeral",
              "--fuse-log-port", "0"},
             dir / "sim.out", dir / "sim.err") {
  // The last line is printed (and flushed) once every bus listens and the site file is written.
  const auto ready = poll_until(std::chrono::seconds(30), [this] {
    return child_.out().find("simulating; stop with Ctrl-C") != std::string::npos || !child_.running();
  });
  const std::string out = child_.out();
  std::smatch m;
  static const std::regex port_line("fuse log: http://127\\.0\\.0\\.1:([0-9]+)/fuse-log");
  if (!ready || !child_.running() || !std::regex_search(out, m, port_line) || !fs::exists(site_out_))
    throw std::runtime_error("ampgate simulate did not come up:\n" + out + child_.err());
  port_ = std::stoi(m[1].str());
}

nlohmann::json SimProcess::get(const std::string& path) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(path.c_str());
  if (!res || res->status != 200)
    throw std::runtime_error("GET " + path + " from the simulator failed" +
                             (res ? ": HTTP " + std::to_string(res->status) + " " + res->body : std::string()));
  return nlohmann::json::parse(res->body);
}

std::map<int, int> SimProcess::registers(const std::string& device, int address, int count) const {
  const auto j = get("/registers?device=" + device + "&address=" + std::to_string(address) +
                     "&count=" + std::to_string(count));
  std::map<int, int> out;
  for (const auto& [k, v] : j["registers"].items()) out[std::stoi(k)] = v.get<int>();
  return out;
}

void SimProcess::wait_time(double t) const {
  const double left = t - time();
  if (left <= 0) return;
  // Simulated time runs at time_scale >= 1 in these tests: `left` real seconds is enough,
  // the margin is for a loaded machine.
  if (!poll_until(Seconds(left + 20), [&] { return time() >= t; }))
    throw std::runtime_error("the simulated clock did not reach " + std::to_string(t) + " s");
}

// ---------------------------------------------------------------------------------------

namespace {

// AMPGATE_TEST_GATEWAY=/path/to/another/ampgate runs that build's gateway against this
// build's simulator (to show that a test fails on an older gateway).
std::string gateway_binary() {
  const char* other = std::getenv("AMPGATE_TEST_GATEWAY");
  return other && *other ? other : AMPGATE_BINARY;
}

}  // namespace

GatewayProcess::GatewayProcess(const fs::path& dir, const fs::path& site, const fs::path& db, const std::string& tag)
    : child_(gateway_binary(), {"run", "--config", site.string(), "--db", db.string(), "--log-level", "debug"},
             dir / (tag + ".out"), dir / (tag + ".err")) {}

// ---------------------------------------------------------------------------------------

std::vector<Db::Row> Db::query(const std::string& sql) const {
  std::vector<Row> rows;
  if (!fs::exists(path_)) return rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string e = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path_.string() + ": " + e);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string e = sqlite3_errmsg(db);
    sqlite3_close(db);
    if (e.find("no such table") != std::string::npos) return rows;  // schema not created yet
    throw std::runtime_error(sql + ": " + e);
  }
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* text = sqlite3_column_text(stmt, i);
      row[sqlite3_column_name(stmt, i)] =
          text ? std::optional<std::string>(reinterpret_cast<const char*>(text)) : std::nullopt;
    }
    rows.push_back(std::move(row));
  }
  std::string e = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!e.empty()) throw std::runtime_error(sql + ": " + e);
  return rows;
}

long long Db::count(const std::string& sql) const {
  auto rows = query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0].begin()->second) return 0;
  return std::stoll(*rows[0].begin()->second);
}

bool Db::has_event(const std::string& message_like, const std::string& source_like) const {
  // Test strings contain no quotes.
  return count("SELECT count(*) FROM events WHERE message LIKE '" + message_like + "' AND source LIKE '" +
               source_like + "'") > 0;
}

std::string fixture(const std::string& relative) {
  return (fs::path(AMPGATE_SOURCE_DIR) / "tests" / "daemon" / relative).string();
}

}  // namespace ampgate::test
