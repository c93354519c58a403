// systemd's side of the notify protocol, played by the test: a Unix datagram socket named by
// NOTIFY_SOCKET, as systemd offers a Type=notify service with WatchdogSec. The real
// `ampgate run` controls a site served by the real `ampgate simulate`; the test checks what
// systemd relies on: READY=1 once the site is under control, WATCHDOG=1 often enough while
// the control loop runs, no more WATCHDOG=1 once the loop hangs (so systemd would restart
// it) although the process is alive, and STOPPING=1 then a clean exit on SIGTERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The fixture site's control period (tests/deploy/notify-site.yaml) and the watchdog interval
// the test announces, as systemd would from WatchdogSec=3s.
constexpr auto control_period = 500ms;
constexpr auto watchdog_interval = 3s;
// Generous: the daemon is built with ASan and the machine may be busy.
constexpr auto startup_budget = 30s;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A child process started with fork/exec; its output goes to a log file. Stopped by its PID.
class Child {
 public:
  // `env`: "NAME=value" entries set on top of this process's environment (replacing any
  // inherited entry of that name). `watchdog_pid`: also set WATCHDOG_PID to the child's own
  // pid, as systemd does for a service's main process (sd_watchdog_enabled checks it).
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& log,
        bool watchdog_pid = false)
      : log_(log) {
    std::vector<std::string> entries;
    auto overridden = [&](const std::string& e) {
      const auto name = e.substr(0, e.find('=') + 1);
      if (name == "WATCHDOG_PID=") return watchdog_pid;
      for (const auto& o : env)
        if (o.compare(0, name.size(), name) == 0) return true;
      return false;
    };
    for (char** e = environ; *e; ++e)
      if (!overridden(*e)) entries.emplace_back(*e);
    entries.insert(entries.end(), env.begin(), env.end());
    // Filled in by the child after fork: only the child knows its pid, and only
    // async-signal-safe work is allowed there.
    std::string pid_entry = "WATCHDOG_PID=" + std::string(20, '\0');
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    if (watchdog_pid) envp.push_back(pid_entry.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    std::vector<std::string> argv_copy = argv;
    for (auto& a : argv_copy) args.push_back(a.data());
    args.push_back(nullptr);

    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      if (watchdog_pid) {
        char digits[20];
        int n = 0;
        for (pid_t p = getpid(); p > 0; p /= 10) digits[n++] = static_cast<char>('0' + p % 10);
        char* at = pid_entry.data() + std::strlen("WATCHDOG_PID=");
        while (n > 0) *at++ = digits[--n];
      }
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
    close(out);
    // A pidfd lets the test wait for the exit with a timeout (poll) instead of polling
    // waitpid. Through syscall(): Debian 12's <sys/pidfd.h> lacks extern "C".
    if (pid_ > 0) pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  }
  ~Child() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (pidfd_ >= 0) close(pidfd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0 && pidfd_ >= 0; }
  pid_t pid() const { return pid_; }
  std::string output() const { return slurp(log_); }
  bool running() {
    reap(0ms);
    return !status_;
  }
  // The wait status once the child has exited, waiting at most `timeout`.
  std::optional<int> reap(std::chrono::milliseconds timeout) {
    if (status_ || pid_ <= 0) return status_;
    pollfd p{pidfd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
      int status = 0;
      if (waitpid(pid_, &status, 0) == pid_) status_ = status;
    }
    return status_;
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
};

struct Message {
  Clock::time_point at;
  std::string text;
  // Whether one of the message's lines is exactly `assignment` (e.g. "READY=1").
  bool has(const std::string& assignment) const {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (line == assignment) return true;
    return false;
  }
};

// What systemd listens on: an AF_UNIX datagram socket, one datagram per sd_notify call.
class NotifySocket {
 public:
  explicit NotifySocket(fs::path path) : path_(std::move(path)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    bound_ = fd_ >= 0 && path_.string().size() < sizeof(addr.sun_path) &&
             bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }
  const fs::path& path() const { return path_; }
  // The next datagram, or nothing if none arrives before `until`.
  std::optional<Message> receive(Clock::time_point until) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
      if (r == 1) {
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof(buf), 0);
        if (n >= 0) return Message{Clock::now(), std::string(buf, static_cast<std::size_t>(n))};
      }
      if (r == 0 || Clock::now() >= until) return std::nullopt;
      if (r < 0 && errno != EINTR) return std::nullopt;
    }
  }
  // The next message that has `assignment`, skipping others; nothing by `until`.
  std::optional<Message> wait_for(const std::string& assignment, Clock::time_point until,
                                  std::vector<Message>* skipped = nullptr) {
    while (auto m = receive(until)) {
      if (m->has(assignment)) return m;
      if (skipped) skipped->push_back(*m);
    }
    return std::nullopt;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

// One simulator for the suite (each test runs its own daemon against it, one at a time).
class SystemdNotify : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ampgate::test::TempDir("notify");
    const auto site = dir() / "sim-site.yaml";
    sim_ = new Child({AMPGATE_BINARY, "simulate", AMPGATE_SOURCE_DIR "/tests/deploy/notify-site.yaml", "--write-site",
                      site.string(), "--tcp-ephemeral"},
                     {}, dir() / "simulate.log");
    // Bounded wait for the rewritten site file (written atomically once everything listens).
    const auto deadline = Clock::now() + startup_budget;
    while (!fs::exists(site) && sim_->running() && Clock::now() < deadline) sim_->reap(20ms);
  }
  static void TearDownTestSuite() {
    if (sim_ && sim_->running()) {
      kill(sim_->pid(), SIGTERM);
      sim_->reap(10000ms);
    }
    delete sim_;
    delete dir_;
    sim_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->started());
    ASSERT_TRUE(fs::exists(site())) << "the simulator wrote no site file:\n" << sim_->output();
  }

  static fs::path dir() { return dir_->path(); }
  static fs::path site() { return dir() / "sim-site.yaml"; }

  // `ampgate run` as systemd starts a Type=notify service with WatchdogSec.
  static std::unique_ptr<Child> start_daemon(const NotifySocket& socket, const std::string& name) {
    return std::make_unique<Child>(
        std::vector<std::string>{AMPGATE_BINARY, "run", "--config", site().string(), "--db",
                                 (dir() / (name + ".db")).string()},
        std::vector<std::string>{"NOTIFY_SOCKET=" + socket.path().string(),
                                 "WATCHDOG_USEC=" + std::to_string(std::chrono::microseconds(watchdog_interval).count()),
                                 "AMPGATE_TEST_HOOKS=1"},
        dir() / (name + ".log"), /*watchdog_pid=*/true);
  }

  static ampgate::test::TempDir* dir_;
  static Child* sim_;
};
ampgate::test::TempDir* SystemdNotify::dir_ = nullptr;
Child* SystemdNotify::sim_ = nullptr;

TEST_F(SystemdNotify, ReadyThenWatchdogPingsThatStopWhenTheControlLoopHangs) {
  NotifySocket socket(dir() / "notify-hang.sock");
  ASSERT_TRUE(socket.bound()) << std::strerror(errno);
  auto daemon = start_daemon(socket, "hang");
  ASSERT_TRUE(daemon->started());

  // READY=1 comes first: nothing claims the loop is alive before the site is under control.
  auto first = socket.receive(Clock::now() + startup_budget);
  ASSERT_TRUE(first) << "no message from the daemon within the startup budget:\n" << daemon->output();
  EXPECT_TRUE(first->has("READY=1")) << first->text;

  // While the loop runs, pings keep coming, each well within the interval systemd asked for.
  constexpr int pings_wanted = 6;
  std::vector<Clock::time_point> pings;
  const auto count_deadline = Clock::now() + pings_wanted * control_period + 15s;
  while (static_cast<int>(pings.size()) < pings_wanted) {
    auto m = socket.wait_for("WATCHDOG=1", count_deadline);
    if (!m) break;
    pings.push_back(m->at);
  }
  ASSERT_EQ(static_cast<int>(pings.size()), pings_wanted) << daemon->output();
  for (std::size_t i = 0; i < pings.size(); ++i) {
    const auto gap = pings[i] - (i == 0 ? first->at : pings[i - 1]);
    EXPECT_LT(gap, watchdog_interval) << "ping " << i << " came "
                                      << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()
                                      << " ms after the previous one";
  }

  // The control loop hangs (test hook). A period already under way may still finish and
  // ping; after that the pings stop for good, longer than the watchdog interval, so systemd
  // would kill and restart the service.
  ASSERT_EQ(kill(daemon->pid(), SIGUSR2), 0);
  const auto hung_at = Clock::now();
  const auto silence_wanted = watchdog_interval + 4 * control_period;
  const auto give_up = hung_at + silence_wanted + 10s;
  int late_pings = 0;
  auto last = hung_at;
  bool silent = false;
  while (Clock::now() < give_up) {
    auto m = socket.wait_for("WATCHDOG=1", std::min(last + silence_wanted, give_up));
    if (!m) {
      silent = Clock::now() - last >= silence_wanted;
      break;
    }
    ++late_pings;
    last = m->at;
  }
  EXPECT_TRUE(silent) << late_pings << " pings after the loop was made to hang:\n" << daemon->output();
  EXPECT_LE(late_pings, 2) << "pings went on after the loop hung";
  EXPECT_TRUE(daemon->running()) << "the process must stay alive (a hang, not a crash):\n" << daemon->output();

  ASSERT_EQ(kill(daemon->pid(), SIGTERM), 0);
  daemon->reap(20000ms);
}

TEST_F(SystemdNotify, SigtermSendsStoppingAndExitsCleanly) {
  NotifySocket socket(dir() / "notify-stop.sock");
  ASSERT_TRUE(socket.bound()) << std::strerror(errno);
  auto daemon = start_daemon(socket, "stop");
  ASSERT_TRUE(daemon->started());
  ASSERT_TRUE(socket.wait_for("READY=1", Clock::now() + startup_budget)) << daemon->output();
  ASSERT_TRUE(socket.wait_for("WATCHDOG=1", Clock::now() + 10s)) << daemon->output();

  ASSERT_EQ(kill(daemon->pid(), SIGTERM), 0);
  EXPECT_TRUE(socket.wait_for("STOPPING=1", Clock::now() + 10s)) << daemon->output();
  // Within the unit's TimeoutStopSec=20s, after writing the failsafe currents.
  auto status = daemon->reap(20000ms);
  ASSERT_TRUE(status) << "still running 20 s after SIGTERM:\n" << daemon->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status << ":\n"
                                                               << daemon->output();
}

}  // namespace
