#include "gateway/sim/p1_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <httplib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "gateway/sim/dispatch.h"
#include "gateway/sim/p1_telegram.h"

namespace ampgate::sim {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto telegram_interval = std::chrono::seconds(1);  // DSMR 5.0 and e-MUCS

std::string errno_text() { return std::strerror(errno); }

}  // namespace

struct P1Servers::Server {
  Server(config::Meter m, P1Moments moments) : meter(std::move(m)), moments(std::move(moments)) {}
  virtual ~Server() = default;
  virtual void start(const std::string& link_dir, bool ephemeral) = 0;
  virtual void stop() = 0;
  virtual void rewrite(YAML::Node& node) const = 0;
  virtual std::string endpoint() const = 0;  // where a reader finds it, for the start-up lines

  config::Meter meter;
  P1Moments moments;
};

namespace {

// A telegram a second to `send` until stopped; `send` gets nothing while the meter is silent.
class StreamServer : public P1Servers::Server {
 public:
  using Server::Server;
  ~StreamServer() override { stop_thread(); }

 protected:
  virtual void send(const std::string& telegram) = 0;
  virtual void between() {}  // runs each time round the loop (accepting clients)

  void start_thread() {
    stop_.reset();
    thread_ = std::thread([this] {
      auto next = SteadyClock::now();
      for (;;) {
        between();
        const auto m = moments(meter.id);
        if (!m.silent) send(dsmr5_telegram(meter.id, m.state, std::chrono::system_clock::now(), m.damaged));
        next += telegram_interval;
        if (!stop_.sleep_until(next)) return;
      }
    });
  }
  void stop_thread() {
    stop_.raise();
    if (thread_.joinable()) thread_.join();
  }

 private:
  StopSignal stop_;
  std::thread thread_;
};

class PtyServer final : public StreamServer {
 public:
  using StreamServer::StreamServer;
  ~PtyServer() override { stop(); }

  void start(const std::string& link_dir, bool) override {
    char name[256] = {};
    if (openpty(&master_, &slave_, name, nullptr, nullptr) != 0)
      throw std::runtime_error("meter " + meter.id + ": cannot create a pseudo-terminal: " + errno_text());
    for (int fd : {master_, slave_}) {
      termios tio{};
      tcgetattr(fd, &tio);
      cfmakeraw(&tio);
      tcsetattr(fd, TCSANOW, &tio);
    }
    // Nobody reading: the line buffer fills and later telegrams are lost, as on a real port.
    fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
    path_ = name;
    if (!link_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(link_dir, ec);
      const auto link = std::filesystem::path(link_dir) / meter.id;
      std::filesystem::remove(link, ec);
      std::filesystem::create_symlink(path_, link, ec);
      if (ec) throw std::runtime_error("meter " + meter.id + ": cannot link " + link.string() + ": " + ec.message());
      path_ = link.string();
    }
    start_thread();
  }
  void stop() override {
    stop_thread();
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);  // kept open meanwhile, so the line never hangs up
    master_ = slave_ = -1;
  }
  void rewrite(YAML::Node& node) const override { node["port"] = path_; }
  std::string endpoint() const override { return "P1 serial on " + path_; }

 private:
  void send(const std::string& t) override {
    if (::write(master_, t.data(), t.size()) < 0) return;  // full: this telegram is lost
  }
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
};

class TcpStreamServer final : public StreamServer {
 public:
  using StreamServer::StreamServer;
  ~TcpStreamServer() override { stop(); }

  void start(const std::string&, bool ephemeral) override {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(ephemeral ? 0 : meter.tcp_port));
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 4) != 0) {
      const std::string why = errno_text();
      ::close(listen_);
      listen_ = -1;
      throw std::runtime_error("meter " + meter.id + ": cannot listen on 127.0.0.1:" + std::to_string(meter.tcp_port) + ": " + why);
    }
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    start_thread();
  }
  void stop() override {
    stop_thread();
    for (int c : clients_) ::close(c);
    clients_.clear();
    if (listen_ >= 0) ::close(listen_);
    listen_ = -1;
  }
  std::string endpoint() const override { return "P1 over TCP on 127.0.0.1:" + std::to_string(port_); }
  void rewrite(YAML::Node& node) const override {
    node["host"] = "127.0.0.1";
    node["port"] = port_;
  }

 private:
  void between() override {
    for (int i = 0; i < 8; ++i) {  // bounded: a few new clients per second is plenty
      const int c = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0) break;
      clients_.push_back(c);
    }
  }
  void send(const std::string& t) override {
    std::vector<int> kept;
    for (int c : clients_) {
      // A client that cannot take a whole telegram is dropped, as ser2net drops a stuck one.
      if (::send(c, t.data(), t.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(t.size())) kept.push_back(c);
      else ::close(c);
    }
    clients_ = std::move(kept);
  }
  int listen_ = -1;
  int port_ = 0;
  std::vector<int> clients_;
};

class HomeWizardServer final : public P1Servers::Server {
 public:
  using Server::Server;
  ~HomeWizardServer() override { stop(); }

  void start(const std::string&, bool ephemeral) override {
    http_.Get("/api", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"product_type":"HWE-P1","product_name":"P1 meter","firmware_version":"sim","api_version":"v1"})",
                      "application/json");
    });
    http_.Get("/api/v1/data", [this](const httplib::Request&, httplib::Response& res) {
      const auto m = moments(meter.id);
      if (m.silent) {
        res.status = 503;
        return;
      }
      if (m.damaged) {
        // The failure seen in the field: a number where a string is expected, and a string
        // where a number is.
        res.set_content(R"({"unique_id":0,"meter_model":7,"active_power_w":"many"})", "application/json");
        return;
      }
      res.set_content(homewizard_data(meter.id, m.state).dump(), "application/json");
    });
    port_ = ephemeral ? http_.bind_to_any_port("127.0.0.1") : (http_.bind_to_port("127.0.0.1", meter.tcp_port) ? meter.tcp_port : -1);
    if (port_ <= 0) throw std::runtime_error("meter " + meter.id + ": cannot listen on 127.0.0.1:" + std::to_string(meter.tcp_port));
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  void stop() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string endpoint() const override {
    return "HomeWizard P1 on http://127.0.0.1:" + std::to_string(port_) + "/api/v1/data";
  }
  void rewrite(YAML::Node& node) const override {
    node["host"] = "127.0.0.1";
    node["port"] = port_;
  }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

bool P1Servers::serves(const config::Meter& m) {
  return m.model == "p1_serial" || m.model == "p1_tcp" || m.model == "homewizard_p1";
}

P1Servers::P1Servers(const config::Site& site, P1Moments moments) {
  for (const auto& m : site.meters) {
    if (m.model == "p1_serial") servers_.push_back(std::make_unique<PtyServer>(m, moments));
    else if (m.model == "p1_tcp") servers_.push_back(std::make_unique<TcpStreamServer>(m, moments));
    else if (m.model == "homewizard_p1") servers_.push_back(std::make_unique<HomeWizardServer>(m, moments));
  }
}

P1Servers::~P1Servers() { stop(); }

bool P1Servers::has(const std::string& id) const {
  for (const auto& s : servers_)
    if (s->meter.id == id) return true;
  return false;
}

void P1Servers::start(const std::string& link_dir, bool ephemeral) {
  for (auto& s : servers_) s->start(link_dir, ephemeral);
}

void P1Servers::stop() {
  for (auto& s : servers_) s->stop();
}

std::vector<std::pair<std::string, std::string>> P1Servers::endpoints() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : servers_) out.emplace_back(s->meter.id, s->endpoint());
  return out;
}

void P1Servers::rewrite(YAML::Node& root) const {
  auto meters = root["meters"];
  if (!meters || !meters.IsSequence()) return;
  for (auto m : meters) {
    if (!m["id"]) continue;
    const auto id = m["id"].as<std::string>();
    for (const auto& s : servers_)
      if (s->meter.id == id) s->rewrite(m);
  }
}

}  // namespace ampgate::sim
