#pragma once
// A small OCPP-J charge point for the tests, on Boost.Beast like the server but written
// from the OCPP-J framing rules only: it connects, sends raw text frames and reads what
// comes back. Every wait is bounded (a generous limit, not a timed assertion).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ampgate::test {

struct ClientOptions {
  std::string id;                                   // the path becomes /ocpp/<id>
  std::optional<std::string> user, password;        // HTTP Basic; user defaults to id
  std::vector<std::string> protocols{"ocpp1.6"};    // offered subprotocols
  bool tls = false;                                 // wss://, certificate not checked (self-signed)
  std::string target;                               // overrides /ocpp/<id> when set
};

class OcppTestClient {
 public:
  OcppTestClient();
  ~OcppTestClient();
  // The HTTP status of the upgrade: 101 when connected, the refusal otherwise; 0 when the
  // connection itself failed. `protocol` is what the server agreed to.
  int connect(int port, const ClientOptions& o);
  const std::string& protocol() const;

  bool send_text(const std::string& text);
  // The next text frame, or nothing when none came within `wait` or the link closed.
  std::optional<std::string> receive(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Sends a CALL and returns the frame that answers it (skipping none: the test decides).
  std::optional<nlohmann::json> call(const std::string& action, const nlohmann::json& payload);
  // Reads frames until a CALL from the server arrives; nothing if the link closes first.
  std::optional<nlohmann::json> next_call(std::chrono::milliseconds wait = std::chrono::seconds(10));
  bool closed() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ampgate::test
