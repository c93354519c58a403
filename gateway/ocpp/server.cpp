#include "gateway/ocpp/server.h"

#include "gateway/ocpp/session.h"

namespace ampgate::ocpp {

namespace {

std::string tls_setup(net::ssl::context& ctx, const ServerOptions& o) {
  boost::system::error_code ec;
  // TLS 1.2 and later only (OCPP security profile 2 asks for 1.2 at least).
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                      net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                  ec);
  if (!ec) ctx.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) return "ocpp.tls_cert " + o.tls_cert_file + ": " + ec.message();
  ctx.use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
  if (ec) return "ocpp.tls_key " + o.tls_key_file + ": " + ec.message();
  return {};
}

}  // namespace

const char* to_string(CallStatus s) {
  constexpr std::array<const char*, 6> words{"result", "error", "timeout", "not_connected", "connection_lost", "invalid"};
  return words[static_cast<std::size_t>(s)];
}

Server::Impl::Impl(ServerOptions o, Listener& l)
    : options(std::move(o)),
      listener(l),
      acceptor(ioc),
      accept_retry(ioc),
      dispatcher(options.heartbeat_interval_s, [] { return std::chrono::system_clock::now(); },
                 options.first_transaction_id) {}

void Server::Impl::accept() {
  acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: try again shortly instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](boost::system::error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (tls) std::make_shared<Session<TlsStream>>(*this, std::move(socket), *tls)->run();
    else std::make_shared<Session<PlainStream>>(*this, std::move(socket))->run();
    accept();
  });
}

void Server::Impl::attach(const std::string& id, const std::shared_ptr<SessionBase>& s) {
  auto old = sessions[id].lock();
  sessions[id] = s;
  {
    std::lock_guard lock(mutex);
    connected_ids.insert(id);
    ++stats.connections;
  }
  // A charge point that reconnects before we saw its old link die: the new one wins.
  if (old) old->close_now("replaced by a new connection");
  listener.connected(id);
}

void Server::Impl::detach(const std::string& id, const SessionBase* s, const std::string& why) {
  auto it = sessions.find(id);
  if (it == sessions.end()) return;
  auto current = it->second.lock();
  if (current && current.get() != s) return;  // an old link of a charge point that is back
  sessions.erase(it);
  {
    std::lock_guard lock(mutex);
    connected_ids.erase(id);
  }
  listener.disconnected(id, why);
}

void Server::Impl::refused(Refusal r, const std::string& id, const std::string& why) {
  count([r](ServerStats& s) {
    switch (r) {
      case Refusal::not_websocket: ++s.refused_not_websocket; break;
      case Refusal::unknown_id: ++s.refused_unknown_id; break;
      case Refusal::no_credentials:
      case Refusal::bad_credentials: ++s.refused_credentials; break;
      case Refusal::no_subprotocol: ++s.refused_subprotocol; break;
      case Refusal::tls_handshake: ++s.refused_tls; break;
      case Refusal::upgrade_failed:
      case Refusal::none: ++s.failed_upgrades; break;
    }
  });
  listener.refused(id, std::string(to_string(r)) + ": " + why);
}

Server::Server(ServerOptions options, Listener& listener) : impl_(std::make_unique<Impl>(std::move(options), listener)) {}

Server::~Server() { stop(); }

std::string Server::start() {
  Impl& s = *impl_;
  if (s.thread.joinable()) return "already running";
  const bool cert = !s.options.tls_cert_file.empty(), key = !s.options.tls_key_file.empty();
  if (cert != key) return "ocpp: TLS needs both tls_cert and tls_key";
  if (cert) {
    s.tls.emplace(net::ssl::context::tls_server);
    if (auto err = tls_setup(*s.tls, s.options); !err.empty()) return err;
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(s.options.listen, ec);
  if (ec) return "ocpp.listen '" + s.options.listen + "' is not an IP address";
  const tcp::endpoint at{address, static_cast<unsigned short>(s.options.port)};
  s.acceptor.open(at.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(at, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return "ocpp: cannot listen on " + s.options.listen + ":" + std::to_string(s.options.port) + ": " + ec.message();
  s.bound_port = s.acceptor.local_endpoint().port();
  s.work.emplace(s.ioc.get_executor());
  s.accept();
  s.thread = std::thread([&s] {
    // A listener that throws must not end the server: the loop goes on (bounded by stop()).
    for (;;) {
      try {
        s.ioc.run();
        return;
      } catch (const std::exception&) {
        s.count([](ServerStats& st) { ++st.call_errors_sent[static_cast<std::size_t>(ErrorCode::InternalError)]; });
      }
    }
  });
  return {};
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.thread.joinable()) return;
  net::post(s.ioc, [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
    for (auto& [id, weak] : std::map(s.sessions))
      if (auto session = weak.lock()) session->close_now("server stopping");
    s.work.reset();
    s.ioc.stop();
  });
  s.thread.join();
}

int Server::port() const { return impl_->bound_port; }

void Server::call(const std::string& charge_point, Request request, std::chrono::milliseconds timeout, CallDone done) {
  Impl& s = *impl_;
  net::post(s.ioc, [&s, charge_point, request = std::move(request), timeout, done = std::move(done)]() mutable {
    auto it = s.sessions.find(charge_point);
    auto session = it == s.sessions.end() ? nullptr : it->second.lock();
    if (!session) return done({CallStatus::not_connected, {}, {}, charge_point + " is not connected"});
    session->call(PendingCall{std::to_string(s.next_call_id++), std::move(request), timeout, std::move(done)});
  });
}

void Server::call(const std::string& charge_point, Built request, std::chrono::milliseconds timeout, CallDone done) {
  if (auto* bad = std::get_if<BuildError>(&request)) {
    Impl& s = *impl_;
    net::post(s.ioc, [message = bad->message, done = std::move(done)] { done({CallStatus::invalid, {}, {}, message}); });
    return;
  }
  call(charge_point, std::get<Request>(std::move(request)), timeout, std::move(done));
}

bool Server::connected(const std::string& charge_point) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connected_ids.count(charge_point) > 0;
}

ServerStats Server::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace ampgate::ocpp
