#include "gateway/sim/ocpp_client.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>
#include <thread>

namespace ampgate::sim::ocpp {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::optional<Endpoint> parse_endpoint(const std::string& url, const std::string& id, std::string& error) {
  Endpoint e;
  std::string rest;
  if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("wss://", 0) == 0) {
    e.tls = true;
    rest = url.substr(6);
  } else {
    error = "'" + url + "' is not a ws:// or wss:// URL";
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  e.target = slash == std::string::npos ? "" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    e.host = authority.substr(0, colon);
    e.port = authority.substr(colon + 1);
  } else {
    e.host = authority;
    e.port = e.tls ? "443" : "80";
  }
  if (e.host.empty() || e.port.empty() || e.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "'" + url + "' has no host[:port]";
    return std::nullopt;
  }
  // OCPP-J: the charge point's identity is the last path segment of the URL it connects to.
  if (e.target.empty() || e.target.back() != '/') e.target += '/';
  e.target += id;
  e.user = id;
  return e;
}

std::string base64(const std::string& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += abc[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += abc[(v >> 18) & 63];
    out += abc[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += abc[(v >> 18) & 63];
    out += abc[(v >> 12) & 63];
    out += abc[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

// One connection attempt and, if it opens, the link. Lives on the I/O thread only.
struct LinkBase : std::enable_shared_from_this<LinkBase> {
  ClientHandlers* handlers = nullptr;  // null once the client stops: nothing more is reported
  bool done = false;
  virtual ~LinkBase() = default;
  virtual void start() = 0;
  virtual void send(std::string text) = 0;
  virtual void close_socket() = 0;
  void fail(const std::string& why) {
    if (done) return;
    done = true;
    close_socket();
    if (handlers && handlers->closed) handlers->closed(why);
  }
};

struct TlsContext {
  net::ssl::context ssl{net::ssl::context::tls_client};
};

template <bool Tls>
struct Link final : TlsContext, LinkBase {
  using Next = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;
  Endpoint e;
  tcp::resolver resolver;
  websocket::stream<Next> ws;
  beast::flat_buffer in;
  websocket::response_type response;
  std::deque<std::string> out;
  bool open = false;
  bool writing = false;

  static websocket::stream<Next> make(net::io_context& ioc, net::ssl::context& ssl) {
    if constexpr (Tls) return websocket::stream<Next>(ioc, ssl);
    else {
      (void)ssl;
      return websocket::stream<Next>(ioc);
    }
  }
  Link(net::io_context& ioc, Endpoint endpoint)
      : e(std::move(endpoint)), resolver(ioc), ws(make(ioc, ssl)) {}

  std::shared_ptr<Link> self() { return std::static_pointer_cast<Link>(shared_from_this()); }

  void start() override {
    if constexpr (Tls) {
      beast::error_code ec;
      if (e.ca_file.empty()) ssl.set_default_verify_paths(ec);
      else ssl.load_verify_file(e.ca_file, ec);
      if (ec) return fail("cannot load CA certificates: " + ec.message());
      ssl.set_verify_mode(e.verify ? net::ssl::verify_peer : net::ssl::verify_none);
    }
    resolver.async_resolve(e.host, e.port, [s = self()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return s->fail("resolve " + s->e.host + ": " + ec.message());
      beast::get_lowest_layer(s->ws).expires_after(std::chrono::seconds(10));
      beast::get_lowest_layer(s->ws).async_connect(r, [s](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) return s->fail("connect: " + ec2.message());
        s->secure();
      });
    });
  }

  void secure() {
    if constexpr (Tls) {
      auto* native = ws.next_layer().native_handle();
      SSL_set_tlsext_host_name(native, e.host.c_str());  // SNI
      if (e.verify) SSL_set1_host(native, e.host.c_str());
      ws.next_layer().async_handshake(net::ssl::stream_base::client, [s = self()](beast::error_code ec) {
        if (ec) return s->fail("TLS handshake: " + ec.message());
        s->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    const std::string auth = e.password.empty() ? "" : "Basic " + base64(e.user + ":" + e.password);
    ws.set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
      req.set(beast::http::field::sec_websocket_protocol, "ocpp1.6");
      if (!auth.empty()) req.set(beast::http::field::authorization, auth);
    }));
    ws.async_handshake(response, e.host + ":" + e.port, e.target, [s = self()](beast::error_code ec) {
      if (ec) return s->fail("WebSocket handshake: " + ec.message() + " (HTTP " +
                             std::to_string(s->response.result_int()) + ")");
      // A server that did not agree to ocpp1.6 is not a central system we can talk to.
      if (s->response[beast::http::field::sec_websocket_protocol] != "ocpp1.6")
        return s->fail("the server did not accept subprotocol ocpp1.6");
      s->open = true;
      s->ws.text(true);
      if (s->handlers && s->handlers->opened) s->handlers->opened();
      s->read();
    });
  }

  void read() {
    ws.async_read(in, [s = self()](beast::error_code ec, std::size_t) {
      if (ec) return s->fail("read: " + ec.message());
      const auto text = beast::buffers_to_string(s->in.data());
      s->in.consume(s->in.size());
      if (s->handlers && s->handlers->text) s->handlers->text(text);
      if (!s->done) s->read();
    });
  }

  void send(std::string text) override {
    if (!open || done) return;
    out.push_back(std::move(text));
    if (!writing) write_next();
  }
  void write_next() {
    writing = true;
    ws.async_write(net::buffer(out.front()), [s = self()](beast::error_code ec, std::size_t) {
      if (ec) return s->fail("write: " + ec.message());
      s->out.pop_front();
      if (s->out.empty()) s->writing = false;
      else s->write_next();
    });
  }

  void close_socket() override {
    beast::error_code ec;
    resolver.cancel();
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws).socket().close(ec);
  }
};

}  // namespace

struct Client::Impl {
  ClientHandlers handlers;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  std::shared_ptr<LinkBase> link;  // I/O thread only
};

Client::Client(ClientHandlers handlers) : impl_(std::make_unique<Impl>()) { impl_->handlers = std::move(handlers); }

Client::~Client() { stop(); }

void Client::start() {
  if (impl_->thread.joinable()) return;
  impl_->ioc.restart();
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void Client::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->ioc, [this] {
    if (auto l = std::move(impl_->link)) {
      l->handlers = nullptr;  // stopping is not a lost link to report
      l->fail("stopped");
    }
  });
  impl_->work.reset();
  impl_->thread.join();
}

void Client::connect(const Endpoint& e) {
  net::post(impl_->ioc, [this, e] {
    if (impl_->link) {
      impl_->link->handlers = nullptr;
      impl_->link->fail("replaced");
    }
    if (e.tls) impl_->link = std::make_shared<Link<true>>(impl_->ioc, e);
    else impl_->link = std::make_shared<Link<false>>(impl_->ioc, e);
    impl_->link->handlers = &impl_->handlers;
    impl_->link->start();
  });
}

void Client::send(std::string text) {
  net::post(impl_->ioc, [this, t = std::move(text)]() mutable {
    if (impl_->link) impl_->link->send(std::move(t));
  });
}

void Client::drop() {
  net::post(impl_->ioc, [this] {
    if (auto l = std::move(impl_->link)) {
      l->handlers = nullptr;  // the caller knows: no closed() for a drop it asked for
      l->fail("dropped");
    }
  });
}

}  // namespace ampgate::sim::ocpp
