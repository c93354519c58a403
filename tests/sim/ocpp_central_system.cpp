#include "tests/sim/ocpp_central_system.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>

#include "gateway/sim/ocpp_client.h"
#include "gateway/sim/ocpp_profiles.h"

namespace ampgate::sim::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {
using Clock = std::chrono::steady_clock;
Clock::time_point deadline(double s) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}
}  // namespace

struct CentralSystem::Impl {
  std::string id, password;
  int* boot_interval = nullptr;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<json> calls;                 // from the charge point
  std::map<std::string, json> answers;     // our call id -> its answer
  int sessions = 0, refused = 0, next_tx = 100, next_uid = 1;
  bool connected = false;

  struct Session : std::enable_shared_from_this<Session> {
    Impl& cs;
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    std::deque<std::string> out;
    bool writing = false, open = false;
    Session(Impl& c, tcp::socket s) : cs(c), ws(std::move(s)) {}

    void start() {
      http::async_read(ws.next_layer(), buffer, request, [s = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        s->upgrade();
      });
    }
    void upgrade() {
      const std::string expected = "Basic " + ocpp::base64(cs.id + ":" + cs.password);
      const bool auth = request[http::field::authorization] == expected && request.target() == "/ocpp/" + cs.id;
      const bool proto = std::string(request[http::field::sec_websocket_protocol]).find("ocpp1.6") != std::string::npos;
      if (!websocket::is_upgrade(request) || !auth || !proto) {
        {
          std::lock_guard lock(cs.mutex);
          ++cs.refused;
        }
        cs.changed.notify_all();
        auto res = std::make_shared<http::response<http::string_body>>(http::status::unauthorized, 11);
        res->set(http::field::www_authenticate, "Basic realm=\"ocpp\"");
        res->prepare_payload();
        http::async_write(ws.next_layer(), *res, [s = shared_from_this(), res](beast::error_code, std::size_t) {
          beast::error_code ec;
          s->ws.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
        });
        return;
      }
      ws.set_option(websocket::stream_base::decorator(
          [](websocket::response_type& r) { r.set(http::field::sec_websocket_protocol, "ocpp1.6"); }));
      ws.async_accept(request, [s = shared_from_this()](beast::error_code ec) {
        if (ec) return;
        s->open = true;
        {
          std::lock_guard lock(s->cs.mutex);
          ++s->cs.sessions;
          s->cs.connected = true;
          s->cs.current = s;
        }
        s->cs.changed.notify_all();
        s->read();
      });
    }
    void read() {
      ws.async_read(buffer, [s = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return s->ended();
        const auto text = beast::buffers_to_string(s->buffer.data());
        s->buffer.consume(s->buffer.size());
        s->cs.frame(*s, text);
        s->read();
      });
    }
    void ended() {
      {
        std::lock_guard lock(cs.mutex);
        if (cs.current.lock().get() == this) cs.connected = false;
      }
      cs.changed.notify_all();
    }
    void send(std::string text) {
      out.push_back(std::move(text));
      if (!writing) write_next();
    }
    void write_next() {
      writing = true;
      ws.async_write(net::buffer(out.front()), [s = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        s->out.pop_front();
        if (s->out.empty()) s->writing = false;
        else s->write_next();
      });
    }
  };
  std::weak_ptr<Session> current;

  json answer(const std::string& action, const json& p) {
    const auto now = ocpp::format_time(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    if (action == "BootNotification") return {{"status", "Accepted"}, {"currentTime", now}, {"interval", *boot_interval}};
    if (action == "Heartbeat") return {{"currentTime", now}};
    if (action == "Authorize") return {{"idTagInfo", {{"status", "Accepted"}}}};
    if (action == "StartTransaction") return {{"transactionId", next_tx++}, {"idTagInfo", {{"status", "Accepted"}}}};
    if (action == "StopTransaction") return {{"idTagInfo", {{"status", "Accepted"}}}};
    (void)p;
    return json::object();
  }

  void frame(Session& s, const std::string& text) {
    json f = json::parse(text, nullptr, false);
    if (f.is_discarded() || !f.is_array() || f.size() < 3) return;
    std::string reply;
    {
      std::lock_guard lock(mutex);
      if (f[0] == 2) {
        calls.push_back(f);
        reply = json::array({3, f[1], answer(f[2].get<std::string>(), f[3])}).dump();
      } else {
        answers[f[1].get<std::string>()] = f;
      }
    }
    changed.notify_all();
    if (!reply.empty()) s.send(reply);
  }

  void accept() {
    // Raw `this`: the handlers live in `ioc`, which the Impl owns (a shared_ptr would be a cycle).
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(socket))->start();
      accept();
    });
  }
};

CentralSystem::CentralSystem(std::string charge_point_id, std::string password) : impl_(std::make_unique<Impl>()) {
  impl_->id = std::move(charge_point_id);
  impl_->password = std::move(password);
  impl_->boot_interval = &boot_interval;
  tcp::endpoint at(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(at.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(at);
  impl_->acceptor.listen();
  impl_->accept();
  impl_->thread = std::thread([i = impl_.get()] { i->ioc.run(); });
}

CentralSystem::~CentralSystem() {
  impl_->ioc.stop();
  impl_->thread.join();
  impl_->current.reset();
}

std::string CentralSystem::url() const {
  return "ws://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + "/ocpp";
}

std::vector<json> CentralSystem::calls(const std::string& action) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<json> out;
  for (const auto& c : impl_->calls)
    if (action.empty() || c[2] == action) out.push_back(c);
  return out;
}

std::optional<json> CentralSystem::wait_call(const std::string& action, double real_seconds,
                                             std::function<bool(const json&)> match, std::size_t after) {
  std::unique_lock lock(impl_->mutex);
  std::optional<json> found;
  impl_->changed.wait_until(lock, deadline(real_seconds), [&] {
    std::size_t seen = 0;
    for (const auto& c : impl_->calls) {
      if (c[2] != action || seen++ < after) continue;
      if (!match || match(c[3])) {
        found = c[3];
        return true;
      }
    }
    return false;
  });
  return found;
}

std::optional<json> CentralSystem::call(const std::string& action, const json& payload, double real_seconds) {
  std::string uid;
  std::shared_ptr<Impl::Session> s;
  {
    std::lock_guard lock(impl_->mutex);
    s = impl_->current.lock();
    if (!s || !impl_->connected) return std::nullopt;
    uid = "cs-" + std::to_string(impl_->next_uid++);
  }
  const std::string text = json::array({2, uid, action, payload}).dump();
  net::post(impl_->ioc, [s, text] { s->send(text); });
  std::unique_lock lock(impl_->mutex);
  if (!impl_->changed.wait_until(lock, deadline(real_seconds), [&] { return impl_->answers.contains(uid); }))
    return std::nullopt;
  return impl_->answers[uid];
}

bool CentralSystem::wait_sessions(int n, double real_seconds) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_until(lock, deadline(real_seconds), [&] { return impl_->sessions >= n && impl_->connected; });
}

bool CentralSystem::wait_refused(int n, double real_seconds) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_until(lock, deadline(real_seconds), [&] { return impl_->refused >= n; });
}

bool CentralSystem::wait_disconnected(double real_seconds) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_until(lock, deadline(real_seconds), [&] { return !impl_->connected; });
}

int CentralSystem::sessions() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions;
}

int CentralSystem::refused() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->refused;
}

}  // namespace ampgate::sim::test
