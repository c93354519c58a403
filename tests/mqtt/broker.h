#pragma once
// A real Debian `mosquitto` broker on loopback for the MQTT tests, and a probe client
// (libmosquitto) that records what the broker carries. The broker is stopped by its PID.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace ampgate::test {

class Broker {
 public:
  // Starts mosquitto on 127.0.0.1:`port` (0 = a free port) and waits until it accepts.
  Broker(const std::filesystem::path& dir, int port = 0);
  ~Broker();  // SIGKILL and reap
  int port() const { return port_; }
  void kill_hard();
  void start();  // again, on the same port

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

class Probe {
 public:
  explicit Probe(int port);  // subscribes to everything
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // The last payload on `topic` (retained or live); nullopt if none yet.
  std::optional<std::string> last(const std::string& topic) const;
  std::map<std::string, std::string> all() const;  // topic -> last payload
  std::vector<std::string> received(const std::string& topic) const;  // every payload, oldest first
  void publish(const std::string& topic, const std::string& payload, bool retain = false);
  // Polls (bounded) until `topic` carries `payload`.
  bool wait_for(const std::string& topic, const std::string& payload, std::chrono::duration<double> limit) const;

 private:
  static void on_message(mosquitto*, void* self, const ::mosquitto_message* m);
  mosquitto* client_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> messages_;
};

}  // namespace ampgate::test
