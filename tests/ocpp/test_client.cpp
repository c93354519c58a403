#include "tests/ocpp/test_client.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <variant>

namespace ampgate::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

std::string base64(const std::string& in) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) out.push_back(abc[(buf >> (bits -= 6)) & 63]);
  }
  if (bits) out.push_back(abc[(buf << (6 - bits)) & 63]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

}  // namespace

struct OcppTestClient::Impl {
  net::io_context ioc;
  net::ssl::context ssl{net::ssl::context::tls_client};
  using Plain = websocket::stream<beast::tcp_stream>;
  using Tls = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
  std::variant<std::monostate, std::unique_ptr<Plain>, std::unique_ptr<Tls>> ws;
  beast::flat_buffer buffer;
  std::string protocol;
  bool closed = true;
  int next_id = 1;

  // Runs the io_context until `done` or the limit; false when the limit came first.
  bool wait(const bool& done, std::chrono::milliseconds limit) {
    ioc.restart();
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < until)
      if (ioc.run_one_until(until) == 0) break;
    return done;
  }

  template <class Ws>
  int handshake(Ws& w, tcp::socket socket, const ClientOptions& o, std::chrono::milliseconds limit) {
    beast::get_lowest_layer(w).socket() = std::move(socket);
    bool done = false;
    beast::error_code ec;
    if constexpr (std::is_same_v<Ws, Tls>) {
      w.next_layer().async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) { ec = e, done = true; });
      if (!wait(done, limit) || ec) return 0;
      done = false;
    }
    std::string protocols;
    for (const auto& p : o.protocols) protocols += (protocols.empty() ? "" : ", ") + p;
    w.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      if (!protocols.empty()) req.set(beast::http::field::sec_websocket_protocol, protocols);
      if (o.password) req.set(beast::http::field::authorization, "Basic " + base64(o.user.value_or(o.id) + ":" + *o.password));
    }));
    websocket::response_type res;
    const std::string target = o.target.empty() ? "/ocpp/" + o.id : o.target;
    w.async_handshake(res, "127.0.0.1", target, [&](beast::error_code e) { ec = e, done = true; });
    if (!wait(done, limit)) return 0;
    if (ec) return res.result_int();
    auto p = res[beast::http::field::sec_websocket_protocol];
    protocol.assign(p.data(), p.size());
    closed = false;
    return 101;
  }

  template <class F>
  auto visit(F f) {
    return std::visit(
        [&](auto& w) {
          if constexpr (std::is_same_v<std::decay_t<decltype(w)>, std::monostate>) return f(static_cast<Plain*>(nullptr));
          else return f(w.get());
        },
        ws);
  }
};

OcppTestClient::OcppTestClient() : impl_(std::make_unique<Impl>()) { impl_->ssl.set_verify_mode(net::ssl::verify_none); }
OcppTestClient::~OcppTestClient() { close(); }

int OcppTestClient::connect(int port, const ClientOptions& o) {
  Impl& s = *impl_;
  tcp::socket socket(s.ioc);
  beast::error_code ec;
  socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  if (ec) return 0;
  const auto limit = std::chrono::seconds(10);
  if (o.tls) {
    auto w = std::make_unique<Impl::Tls>(s.ioc, s.ssl);
    auto& ref = *w;
    s.ws = std::move(w);
    return s.handshake(ref, std::move(socket), o, limit);
  }
  auto w = std::make_unique<Impl::Plain>(s.ioc);
  auto& ref = *w;
  s.ws = std::move(w);
  return s.handshake(ref, std::move(socket), o, limit);
}

const std::string& OcppTestClient::protocol() const { return impl_->protocol; }

bool OcppTestClient::send_text(const std::string& text) {
  Impl& s = *impl_;
  if (s.closed) return false;
  return s.visit([&](auto* w) {
    if (!w) return false;
    bool done = false;
    beast::error_code ec;
    w->text(true);
    w->async_write(net::buffer(text), [&](beast::error_code e, std::size_t) { ec = e, done = true; });
    if (!s.wait(done, std::chrono::seconds(10)) || ec) s.closed = true;
    return !s.closed;
  });
}

std::optional<std::string> OcppTestClient::receive(std::chrono::milliseconds wait) {
  Impl& s = *impl_;
  if (s.closed) return std::nullopt;
  return s.visit([&](auto* w) -> std::optional<std::string> {
    if (!w) return std::nullopt;
    bool done = false;
    beast::error_code ec;
    w->async_read(s.buffer, [&](beast::error_code e, std::size_t) { ec = e, done = true; });
    if (!s.wait(done, wait)) {
      // Abandon the read: the link is unusable for a test after a missed frame.
      // The read handler refers to this frame: let it finish (aborted) before returning.
      beast::get_lowest_layer(*w).socket().close(ec);
      s.wait(done, std::chrono::seconds(10));
      s.closed = true;
      return std::nullopt;
    }
    if (ec) {
      s.closed = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(s.buffer.data());
    s.buffer.consume(s.buffer.size());
    return text;
  });
}

std::optional<nlohmann::json> OcppTestClient::call(const std::string& action, const nlohmann::json& payload) {
  const std::string id = "t" + std::to_string(impl_->next_id++);
  if (!send_text(nlohmann::json::array({2, id, action, payload}).dump())) return std::nullopt;
  auto text = receive();
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text, nullptr, false);
}

std::optional<nlohmann::json> OcppTestClient::next_call(std::chrono::milliseconds wait) {
  for (int i = 0; i < 100; ++i) {
    auto text = receive(wait);
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_array() && !j.empty() && j[0] == 2) return j;
  }
  return std::nullopt;
}

bool OcppTestClient::closed() const { return impl_->closed; }

void OcppTestClient::close() {
  Impl& s = *impl_;
  s.visit([&](auto* w) {
    if (!w) return 0;
    beast::error_code ec;
    beast::get_lowest_layer(*w).socket().close(ec);
    return 0;
  });
  s.closed = true;
  s.ws = std::monostate{};
}

}  // namespace ampgate::test
