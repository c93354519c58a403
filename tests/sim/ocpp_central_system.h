#pragma once
// A small OCPP 1.6-J central system for the charge point model's tests, written here from
// the specification (not ampgate's server): a Boost.Beast WebSocket server on loopback that
// checks subprotocol and Basic auth, answers the charge point's calls, records every frame
// and lets a test send calls of its own. One I/O thread; stopped in the destructor.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace ampgate::sim::test {

class CentralSystem {
 public:
  CentralSystem(std::string charge_point_id, std::string password);
  ~CentralSystem();
  std::string url() const;  // ws://127.0.0.1:<port>/ocpp
  int boot_interval = 5;    // Heartbeat interval given in BootNotification.conf (seconds)

  // Calls from the charge point so far, as [2, id, action, payload], oldest first.
  std::vector<nlohmann::json> calls(const std::string& action = "") const;
  // Waits (at most `real_seconds`) until a call `action` whose payload satisfies `match`
  // has arrived, counting from the `after`-th such call; returns its payload.
  std::optional<nlohmann::json> wait_call(const std::string& action, double real_seconds,
                                          std::function<bool(const nlohmann::json&)> match = {},
                                          std::size_t after = 0);
  // Sends a call to the connected charge point and waits for its answer: [3, id, payload]
  // or [4, id, code, …]; nullopt when nobody is connected or no answer came in time.
  std::optional<nlohmann::json> call(const std::string& action, const nlohmann::json& payload,
                                     double real_seconds = 10);
  // Waits until the count of accepted WebSocket sessions (or refused upgrades) reaches n.
  bool wait_sessions(int n, double real_seconds);
  bool wait_refused(int n, double real_seconds);
  bool wait_disconnected(double real_seconds);  // the current session has ended
  int sessions() const;
  int refused() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ampgate::sim::test
