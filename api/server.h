#pragma once
// The HTTP server of the gateway: REST API under /api/v1, /metrics, the web page at /.
// One listening thread plus a bounded pool of workers (cpp-httplib); stop() joins them.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/gateway_view.h"
#include "gateway/config.h"

namespace httplib {
class Server;
}

namespace ampgate::api {

inline constexpr std::size_t max_body_bytes = 64 * 1024;

struct ServerOptions {
  config::Api api;                                // listen address, port (0 = any free port), token
  std::function<void(const std::string&)> log;    // one line per call; default: stderr
  // A keep-alive connection holds a worker while it is open, and each live stream holds one:
  // 64 pollers plus the streams fit without queueing. Idle workers cost only their stacks.
  std::size_t worker_threads = 72;
  std::size_t max_stream_clients = 8;             // live /stream clients at once; more get 503
};

class Server {
 public:
  Server(GatewayControl& gateway, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Reads (or creates) the token file, binds and starts serving. Returns a message a user
  // can act on when that fails (e.g. the port is taken).
  std::optional<std::string> start();
  void stop();

  int port() const { return port_; }
  // "GET /api/v1/site", ... exactly as registered with the HTTP library.
  const std::vector<std::string>& registered_routes() const { return registered_; }

 private:
  void register_routes();
  void log(const std::string& line) const;

  GatewayControl& gateway_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::string token_;
  int port_ = 0;
  std::vector<std::string> registered_;

  // Live streams wait on this; stop() wakes them so that workers can be joined.
  std::mutex stream_mutex_;
  std::condition_variable stream_wake_;
  bool stopping_ = false;
  std::atomic<std::size_t> stream_clients_{0};
};

}  // namespace ampgate::api
