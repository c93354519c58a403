#pragma once
// Runs the real programs for the daemon's integration tests: `ampgate simulate` (the site's
// devices on a pty and on loopback TCP, with the fuse log and /state over HTTP) and
// `ampgate run` against the site file the simulator writes. Every child is stopped by its
// PID when its object goes away; every wait is a bounded poll on something observable.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ampgate::test {

using Seconds = std::chrono::duration<double>;

// Polls `done` every `step` until it is true or `limit` has passed. Returns how long it
// took, or nullopt on time-out.
std::optional<Seconds> poll_until(Seconds limit, const std::function<bool()>& done,
                                  Seconds step = std::chrono::milliseconds(50));

// A child process with stdout and stderr in files.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& out,
        const std::filesystem::path& err);
  ~Child();  // SIGKILL and reap if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `sig` (the process must still be ours: not reaped yet).
  void signal(int sig);
  // Waits up to `limit` for the exit; the exit status as from waitpid, nullopt if still running.
  std::optional<int> wait_exit(Seconds limit);
  void kill_hard();  // SIGKILL and reap
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path out_, err_;
};

// `ampgate simulate SITE --scenario SCN --write-site OUT --tcp-ephemeral --fuse-log-port 0`.
class SimProcess {
 public:
  SimProcess(const std::filesystem::path& dir, const std::string& site, const std::string& scenario);
  const std::filesystem::path& site_for_gateway() const { return site_out_; }
  int http_port() const { return port_; }
  Child& child() { return child_; }

  nlohmann::json get(const std::string& path) const;  // GET on the simulator's HTTP port
  nlohmann::json state() const { return get("/state"); }
  nlohmann::json fuse_log() const { return get("/fuse-log"); }
  std::map<int, int> registers(const std::string& device, int address, int count) const;
  double time() const { return state()["time"].get<double>(); }
  // Waits until the simulated clock reaches `t` (bounded by `t` plus a margin in real time).
  void wait_time(double t) const;

 private:
  std::filesystem::path site_out_;
  Child child_;
  int port_ = 0;
};

// `ampgate run --config SITE --db DB --log-level debug`.
class GatewayProcess {
 public:
  GatewayProcess(const std::filesystem::path& dir, const std::filesystem::path& site, const std::filesystem::path& db,
                 const std::string& tag = "gateway");
  Child& child() { return child_; }
  std::string log() const { return child_.err(); }

 private:
  Child child_;
};

// The gateway's SQLite database opened read-only (as a user with the sqlite3 shell would).
class Db {
 public:
  explicit Db(std::filesystem::path path) : path_(std::move(path)) {}
  using Row = std::map<std::string, std::optional<std::string>>;
  // Runs a query; a database that does not exist yet gives no rows.
  std::vector<Row> query(const std::string& sql) const;
  long long count(const std::string& sql) const;  // first column of the first row as a number
  bool has_event(const std::string& message_like, const std::string& source_like = "%") const;

 private:
  std::filesystem::path path_;
};

// Fixture files of these tests.
std::string fixture(const std::string& relative);

}  // namespace ampgate::test
