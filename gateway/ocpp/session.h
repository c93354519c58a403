#pragma once
// One charge point connection: TLS handshake (when TLS), the HTTP upgrade request judged by
// decide_handshake, then the OCPP-J read loop, a write queue, and the one outstanding call
// OCPP 1.6 allows, with its timeout. Everything runs on the server's single thread, so no
// strand or lock is needed inside.
#include <deque>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "gateway/ocpp/server_impl.h"

namespace ampgate::ocpp {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Next>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Next>> {
  static constexpr bool tls = std::is_same_v<Next, TlsStream>;

 public:
  template <class... Args>
  Session(Server::Impl& server, tcp::socket socket, Args&... args)
      : server_(server), ws_(std::move(socket), args...), timer_(server.ioc) {}

  void run() {
    beast::get_lowest_layer(ws_).expires_after(server_.options.handshake_timeout);
    if constexpr (tls) {
      ws_.next_layer().async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->server_.refused(Refusal::tls_handshake, "", "TLS handshake failed: " + ec.message());
        self->read_request();
      });
    } else {
      read_request();
    }
  }

  void call(PendingCall p) override {
    if (closed_) return p.done({CallStatus::connection_lost, {}, {}, "connection closed"});
    waiting_.push_back(std::move(p));
    pump();
  }

  void close_now(const std::string& why) override {
    finish(why);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(1024);
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  void on_request(beast::error_code ec) {
    if (ec) return server_.refused(Refusal::not_websocket, "", "no HTTP request: " + ec.message());
    const auto& req = parser_->get();
    // Beast 1.74 has its own string_view; the handshake rules take the standard one.
    auto view = [](beast::string_view v) { return std::string_view(v.data(), v.size()); };
    std::optional<std::string_view> auth;
    if (auto it = req.find(http::field::authorization); it != req.end()) auth = view(it->value());
    const auto d = decide_handshake(websocket::is_upgrade(req), view(req.target()), auth,
                                    view(req[http::field::sec_websocket_protocol]), server_.options.charge_points);
    if (d.refusal != Refusal::none) {
      server_.refused(d.refusal, d.charge_point, d.reason);
      return refuse(static_cast<http::status>(d.http_status), d.reason, req.version());
    }
    id_ = d.charge_point;
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::sec_websocket_protocol, std::string(subprotocol));
      res.set(http::field::server, "ampgate");
    }));
    websocket::stream_base::timeout t;
    t.handshake_timeout = server_.options.handshake_timeout;
    t.idle_timeout = server_.options.idle_timeout;
    t.keep_alive_pings = true;
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    ws_.set_option(t);
    ws_.read_message_max(server_.options.max_message_bytes);
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->server_.refused(Refusal::upgrade_failed, self->id_, "upgrade failed: " + ec.message());
      self->attached_ = true;
      self->server_.attach(self->id_, self);
      self->read();
    });
  }

  void refuse(http::status status, const std::string& why, unsigned version) {
    response_.emplace(status, version);
    response_->set(http::field::server, "ampgate");
    response_->set(http::field::content_type, "text/plain");
    if (status == http::status::unauthorized) response_->set(http::field::www_authenticate, "Basic realm=\"ampgate\"");
    response_->keep_alive(false);
    response_->body() = why + "\n";
    response_->prepare_payload();
    http::async_write(ws_.next_layer(), *response_, [self = this->shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(ec == websocket::error::closed ? "closed by the charge point" : ec.message());
      const std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->handle(text);
      if (!self->closed_) self->read();
    });
  }

  void handle(const std::string& text) {
    server_.count([](ServerStats& s) { ++s.frames_in; });
    Parsed parsed = parse_frame(text);
    if (auto* c = std::get_if<Call>(&parsed)) {
      auto out = server_.dispatcher.handle(*c);
      send(serialize(out.reply));
      if (out.refused) answered_error(*out.refused, c->action + ": " + std::get<CallError>(out.reply).description);
      if (out.message) server_.listener.message(id_, *out.message);
    } else if (auto* r = std::get_if<CallResult>(&parsed)) {
      on_reply(r->id, {CallStatus::result, std::move(r->payload), {}, ""});
    } else if (auto* e = std::get_if<CallError>(&parsed)) {
      const std::string id = e->id;
      on_reply(id, {CallStatus::error, {}, std::move(*e), ""});
    } else {
      auto& f = std::get<FrameError>(parsed);
      server_.count([](ServerStats& s) { ++s.malformed_frames; });
      if (f.answerable) {
        send(serialize(f.answer));
        answered_error(f.answer.code, f.answer.description);
      } else {
        server_.listener.refused(id_, "broken reply ignored: " + f.answer.description);
      }
    }
  }

  void answered_error(ErrorCode code, const std::string& why) {
    server_.count([code](ServerStats& s) { ++s.call_errors_sent[static_cast<std::size_t>(code)]; });
    server_.listener.refused(id_, std::string(to_string(code)) + ": " + why);
  }

  void send(std::string text) {
    if (closed_) return;
    // A peer that keeps calling but never reads its answers would grow this queue without
    // end; past a bound it is dropped like a dead link.
    constexpr std::size_t max_queued_frames = 64;
    if (out_.size() >= max_queued_frames) return close_now("not reading its answers");
    out_.push_back(std::move(text));
    if (out_.size() == 1) write_next();
  }

  void write_next() {
    ws_.text(true);
    ws_.async_write(net::buffer(out_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish("write failed: " + ec.message());
      self->out_.pop_front();
      if (!self->out_.empty() && !self->closed_) self->write_next();
    });
  }

  // Sends the next waiting call when none is outstanding (OCPP 1.6 section 4.1.1).
  void pump() {
    if (closed_ || outstanding_ || waiting_.empty()) return;
    outstanding_ = std::move(waiting_.front());
    waiting_.pop_front();
    send(serialize(Call{outstanding_->id, outstanding_->request.action, outstanding_->request.payload}));
    server_.count([](ServerStats& s) { ++s.calls_sent; });
    timer_.expires_after(outstanding_->timeout);
    timer_.async_wait([self = this->shared_from_this(), id = outstanding_->id](beast::error_code ec) {
      if (ec || !self->outstanding_ || self->outstanding_->id != id) return;
      auto done = std::move(self->outstanding_->done);
      const std::string action = self->outstanding_->request.action;
      self->outstanding_.reset();
      self->server_.count([](ServerStats& s) { ++s.call_timeouts; });
      done({CallStatus::timeout, {}, {}, action + ": no answer in time"});
      self->pump();
    });
  }

  void on_reply(const std::string& id, CallOutcome outcome) {
    if (!outstanding_ || outstanding_->id != id) {
      // Late (after its timeout) or never asked: dropped, never taken as an answer.
      server_.count([](ServerStats& s) { ++s.replies_unmatched; });
      return server_.listener.refused(id_, "reply to unknown or expired call id '" + id + "' ignored");
    }
    timer_.cancel();
    auto done = std::move(outstanding_->done);
    outstanding_.reset();
    done(outcome);
    pump();
  }

  void finish(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    std::deque<PendingCall> failed = std::move(waiting_);
    if (outstanding_) failed.push_front(std::move(*outstanding_));
    outstanding_.reset();
    for (auto& p : failed) p.done({CallStatus::connection_lost, {}, {}, "connection lost: " + why});
    if (attached_) server_.detach(id_, this, why);
  }

  Server::Impl& server_;
  websocket::stream<Next> ws_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::string id_;
  bool attached_ = false, closed_ = false;
  std::deque<std::string> out_;
  std::deque<PendingCall> waiting_;
  std::optional<PendingCall> outstanding_;
};

}  // namespace ampgate::ocpp
