#pragma once
// The charge point's end of an OCPP-J link: a WebSocket client (Boost.Beast, TLS through
// OpenSSL for wss://) with subprotocol ocpp1.6 and HTTP Basic authentication (OCPP 1.6
// security profiles 1 and 2). It runs its own I/O thread; the model above it decides when
// to connect, and hears back through the handlers (called on that thread).
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ampgate::sim::ocpp {

struct Endpoint {
  bool tls = false;
  std::string host, port, target;  // target: the URL's path with "/<charge point id>" appended
  std::string user, password;      // Basic auth; no header when the password is empty
  std::string ca_file;             // wss: verify against this bundle (else the system's)
  bool verify = true;
};

// Parses ws://host[:port][/path] or wss://…; nullopt with `error` set when it is not one.
std::optional<Endpoint> parse_endpoint(const std::string& url, const std::string& charge_point_id, std::string& error);

std::string base64(const std::string& bytes);

struct ClientHandlers {
  std::function<void()> opened;                        // WebSocket open, ocpp1.6 agreed
  std::function<void(const std::string&)> text;        // one text frame
  std::function<void(const std::string&)> closed;      // the link is down (reason); after a failed connect too
};

class Client {
 public:
  explicit Client(ClientHandlers handlers);
  ~Client();  // stops
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();  // the I/O thread
  void stop();   // drops any link and joins the thread; no handler runs after it returns
  // Each returns at once; the work happens on the I/O thread.
  void connect(const Endpoint& e);  // ends with opened() or closed()
  void send(std::string text);      // dropped when no link is open
  void drop();                      // cuts the link without a close frame, as a lost network does; no closed()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ampgate::sim::ocpp
