#include "tests/mqtt/broker.h"

#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace ampgate::test {

namespace {

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

}  // namespace

Broker::Broker(const std::filesystem::path& dir, int port) : dir_(dir), port_(port ? port : free_port()) { start(); }

Broker::~Broker() { kill_hard(); }

void Broker::start() {
  const auto conf = dir_ / "mosquitto.conf";
  std::ofstream(conf) << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
  const auto log = dir_ / "mosquitto.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    FILE* f = std::fopen(log.c_str(), "a");
    if (f) {
      ::dup2(fileno(f), 1);
      ::dup2(fileno(f), 2);
    }
    ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 200 && !accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (!accepts(port_)) throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_));
}

void Broker::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Probe::Probe(int port) {
  mosquitto_lib_init();
  client_ = mosquitto_new(nullptr, true, this);
  mosquitto_message_callback_set(client_, on_message);
  mosquitto_connect_callback_set(client_, [](mosquitto* m, void*, int rc) {
    if (rc == 0) mosquitto_subscribe(m, nullptr, "#", 1);
  });
  mosquitto_reconnect_delay_set(client_, 1, 2, false);
  if (mosquitto_connect(client_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS)
    throw std::runtime_error("the probe cannot connect to the broker");
  mosquitto_loop_start(client_);
}

Probe::~Probe() {
  mosquitto_disconnect(client_);
  mosquitto_loop_stop(client_, false);
  mosquitto_destroy(client_);
}

void Probe::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* p = static_cast<Probe*>(self);
  std::lock_guard lock(p->mutex_);
  p->messages_[m->topic].emplace_back(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
}

std::optional<std::string> Probe::last(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(topic);
  if (it == messages_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::map<std::string, std::string> Probe::all() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> out;
  for (const auto& [t, v] : messages_)
    if (!v.empty()) out[t] = v.back();
  return out;
}

std::vector<std::string> Probe::received(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(topic);
  return it == messages_.end() ? std::vector<std::string>{} : it->second;
}

void Probe::publish(const std::string& topic, const std::string& payload, bool retain) {
  mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, retain);
}

bool Probe::wait_for(const std::string& topic, const std::string& payload, std::chrono::duration<double> limit) const {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (last(topic) == payload) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last(topic) == payload;
}

}  // namespace ampgate::test
