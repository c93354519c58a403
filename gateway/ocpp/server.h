#pragma once
// ampgate as an OCPP 1.6-J central system: a WebSocket server (Boost.Beast, plain or TLS)
// on a thread and io_context of its own, so that a slow or hostile charge point never
// holds up the control loop. Charge points connect to ws[s]://<host>:<port>/ocpp/<id>.
//
// Everything the server learns reaches the Listener on the server thread; a daemon posts
// it on to its own loop. call() may be used from any thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/ocpp/central_messages.h"
#include "gateway/ocpp/dispatcher.h"
#include "gateway/ocpp/handshake.h"

namespace ampgate::ocpp {

struct ServerOptions {
  std::string listen = "127.0.0.1";
  int port = 0;                 // 0: any free port (tests); see Server::port()
  std::string tls_cert_file;    // PEM; both set: TLS (security profile 2), both empty: plain (profile 1)
  std::string tls_key_file;
  std::vector<Access> charge_points;
  int heartbeat_interval_s = 300;
  std::chrono::milliseconds handshake_timeout{10000};  // TLS handshake plus HTTP upgrade request
  // A connection silent this long is dropped; the server pings at half of it, so a charge
  // point whose link died is known to be gone within this time (the safety rule needs it).
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_message_bytes = 64 * 1024;
  int first_transaction_id = 1;
};

enum class CallStatus : unsigned char { result, error, timeout, not_connected, connection_lost, invalid };
const char* to_string(CallStatus s);

struct CallOutcome {
  CallStatus status = CallStatus::not_connected;
  Json payload;         // the CALLRESULT payload (status == result)
  CallError error;      // the CALLERROR (status == error)
  std::string message;  // why, for the log (timeout, invalid request, ...)
};
using CallDone = std::function<void(const CallOutcome&)>;

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void connected(const std::string& /*charge_point*/) {}
  virtual void disconnected(const std::string& /*charge_point*/, const std::string& /*why*/) {}
  virtual void message(const std::string& /*charge_point*/, const Incoming& /*m*/) {}
  // A connection refused before the upgrade, or a frame refused with a CALLERROR.
  virtual void refused(const std::string& /*charge_point*/, const std::string& /*why*/) {}
};

// Counters a user can read in `status` and the API; every refusal is counted here.
struct ServerStats {
  std::uint64_t connections = 0;  // upgraded to OCPP
  std::uint64_t refused_not_websocket = 0, refused_unknown_id = 0, refused_credentials = 0,
                refused_subprotocol = 0, refused_tls = 0, failed_upgrades = 0;
  std::uint64_t frames_in = 0;
  std::uint64_t malformed_frames = 0;                    // not a frame at all, or a broken reply
  std::array<std::uint64_t, error_code_count> call_errors_sent{};  // per ErrorCode
  std::uint64_t calls_sent = 0, call_timeouts = 0, replies_unmatched = 0;
};

class Server {
 public:
  Server(ServerOptions options, Listener& listener);
  ~Server();  // stops; unanswered calls are dropped without their callback
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS files, binds and starts the thread. An empty string means it is running;
  // otherwise the message says what stopped it (for the log and `ampgate check`).
  std::string start();
  void stop();
  int port() const;  // the bound port, after start()

  // Sends a request to a charge point. OCPP 1.6 allows one outstanding call per charge point:
  // calls to the same one wait in order. `done` runs on the server thread, exactly once.
  void call(const std::string& charge_point, Request request, std::chrono::milliseconds timeout, CallDone done);
  // A request that failed to build is answered at once with CallStatus::invalid.
  void call(const std::string& charge_point, Built request, std::chrono::milliseconds timeout, CallDone done);

  bool connected(const std::string& charge_point) const;
  ServerStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ampgate::ocpp
