#pragma once
// The inside of Server (server.h): Boost.Asio/Beast types, seen only by the server's own
// translation units so that the rest of ampgate does not compile Beast.
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "gateway/ocpp/server.h"

namespace ampgate::ocpp {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct PendingCall {
  std::string id;
  Request request;
  std::chrono::milliseconds timeout{};
  CallDone done;
};

// One connection, plain or TLS (session.h); the server knows it through this.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void call(PendingCall p) = 0;
  // Ends the connection now; `why` goes to the listener.
  virtual void close_now(const std::string& why) = 0;
};

struct Server::Impl {
  Impl(ServerOptions o, Listener& l);

  ServerOptions options;
  Listener& listener;
  // Declared before the io_context so that it outlives every TLS stream the context destroys.
  std::optional<net::ssl::context> tls;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  Dispatcher dispatcher;
  std::uint64_t next_call_id = 1;
  std::map<std::string, std::weak_ptr<SessionBase>> sessions;  // server thread only
  std::thread thread;
  int bound_port = 0;

  mutable std::mutex mutex;  // guards the two below, read from other threads
  std::set<std::string> connected_ids;
  ServerStats stats;

  template <class F>
  void count(F f) {
    std::lock_guard lock(mutex);
    f(stats);
  }
  void accept();
  void attach(const std::string& id, const std::shared_ptr<SessionBase>& s);
  void detach(const std::string& id, const SessionBase* s, const std::string& why);
  void refused(Refusal r, const std::string& id, const std::string& why);
};

}  // namespace ampgate::ocpp
