#include "api/server.h"

#include <httplib.h>

#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <regex>

#include "api/auth.h"
#include "api/handlers.h"
#include "api/routes.h"

namespace ampgate::api {

namespace {

using httplib::Request;
using httplib::Response;
using detail::Handler;
using detail::send_error;

constexpr auto stream_keepalive = std::chrono::seconds(15);

}  // namespace

Server::Server(GatewayControl& gateway, ServerOptions options) : gateway_(gateway), options_(std::move(options)) {}

Server::~Server() { stop(); }

void Server::log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::cerr << line << std::endl;
  }
}

std::optional<std::string> Server::start() {
  if (http_) return "the API server is already running";
  auto token = load_or_create_token(options_.api.token_file);
  if (auto* error = std::get_if<std::string>(&token)) return *error;
  const auto& t = std::get<TokenFile>(token);
  token_ = t.token;
  if (t.created) {
    log("api: created the API token file " + options_.api.token_file + " (mode 0600); token: " + token_ +
        " (printed once; it stays in that file)");
  }
  // A client that hangs up mid-answer must not kill the gateway: httplib writes without
  // MSG_NOSIGNAL, so a write to a closed socket would raise SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  http_ = std::make_unique<httplib::Server>();
  const std::size_t threads = options_.worker_threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(max_body_bytes);
  // Only SO_REUSEADDR (quick restarts): the library's default also sets SO_REUSEPORT, which
  // would let a second gateway share the port silently instead of failing to start.
  http_->set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and
  // the client's delayed ACK hold the body back ~40 ms on keep-alive connections.
  http_->set_tcp_nodelay(true);
  // The library closes a keep-alive connection after 5 requests by default; pollers then
  // reconnect in bursts that overflow its short listen backlog (1 s SYN retries).
  http_->set_keep_alive_max_count(1000);
  http_->set_read_timeout(5, 0);
  http_->set_write_timeout(5, 0);
  {
    std::lock_guard lock(stream_mutex_);
    stopping_ = false;
  }
  register_routes();

  const auto& a = options_.api;
  if (a.port == 0) {
    port_ = http_->bind_to_any_port(a.listen);
  } else {
    port_ = http_->bind_to_port(a.listen, a.port) ? a.port : -1;
  }
  if (port_ <= 0) {
    http_.reset();
    return "cannot listen on " + a.listen + ":" + std::to_string(a.port) +
           " (address in use or not on this machine; set api.listen / api.port)";
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop has begun; wait for it so that a
  // stop() right after start() cannot leave the loop running (and join() hanging).
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  log("api: listening on http://" + a.listen + ":" + std::to_string(port_));
  return std::nullopt;
}

void Server::stop() {
  if (!http_) return;
  {
    std::lock_guard lock(stream_mutex_);
    stopping_ = true;
  }
  stream_wake_.notify_all();
  http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
  registered_.clear();
}

void Server::register_routes() {
  detail::Handlers handlers;
  detail::add_read_handlers(handlers, gateway_);
  detail::add_write_handlers(handlers, gateway_);

  handlers["GET /api/v1/stream"] = [this](const Request&, Response& res) {
    if (++stream_clients_ > options_.max_stream_clients) {
      --stream_clients_;
      return send_error(res, {503,
                              "too many live clients (" + std::to_string(options_.max_stream_clients) +
                                  "); close another page or poll /api/v1/site",
                              ""});
    }
    struct State {
      bool sent = false;
      std::uint64_t version = 0;
      std::chrono::steady_clock::duration period = std::chrono::seconds(1);
      std::chrono::steady_clock::time_point next_due{}, last_write{};
    };
    auto state = std::make_shared<State>();
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, state](std::size_t, httplib::DataSink& sink) {
          {
            std::unique_lock lock(stream_mutex_);
            stream_wake_.wait_until(lock, state->next_due, [this] { return stopping_; });
            if (stopping_) return false;
          }
          const auto now = std::chrono::steady_clock::now();
          bool ok = true;
          if (!state->sent || gateway_.version() != state->version) {
            const SiteView site = gateway_.site();
            const std::string event = "event: site\nid: " + std::to_string(site.version) +
                                      "\ndata: " + to_json(site).dump() + "\n\n";
            ok = sink.write(event.data(), event.size());
            state->sent = true;
            state->version = site.version;
            // At most one document per control period, however often the content changes.
            state->period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(std::max(0.1, site.control_period)));
            state->last_write = now;
          } else if (now - state->last_write >= stream_keepalive) {
            static const std::string ping = ": keep-alive\n\n";
            ok = sink.write(ping.data(), ping.size());
            state->last_write = now;
          }
          state->next_due = now + state->period;
          return ok && sink.is_writable();
        },
        [this](bool) { --stream_clients_; });
  };

  // Register the route table, wrapping each handler with the token check it needs.
  for (const auto& route : routes()) {
    const std::string key = route_key(route);
    auto it = handlers.find(key);
    if (it == handlers.end()) throw std::logic_error("api: no handler for " + key);
    const bool needs_token = route.access == Access::write ||
                             (route.access == Access::read && options_.api.reads_need_token);
    Handler guarded = [this, needs_token, inner = it->second](const Request& req, Response& res) {
      if (needs_token && !bearer_matches(token_, req.get_header_value("Authorization"))) {
        res.set_header("WWW-Authenticate", "Bearer");
        return send_error(res, {401,
                                "this needs Authorization: Bearer <token>; the token is in " +
                                    options_.api.token_file + " on the gateway",
                                ""});
      }
      inner(req, res);
    };
    const std::string pattern = route_regex(route);
    const std::string method = route.method;
    if (method == "GET") http_->Get(pattern, guarded);
    else if (method == "PUT") http_->Put(pattern, guarded);
    else if (method == "POST") http_->Post(pattern, guarded);
    else throw std::logic_error("api: unsupported method in " + key);
    registered_.push_back(key);
  }

  // Answers the library produces itself (no route, body too large, ...) get the same JSON.
  http_->set_error_handler(httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ApiError e{res.status, "", ""};
    if (res.status == 404) {
      std::string allow;
      for (const auto& r : routes()) {
        if (std::regex_match(req.path, std::regex(route_regex(r)))) allow += (allow.empty() ? "" : ", ") + std::string(r.method);
      }
      if (!allow.empty()) {
        res.status = 405;
        res.set_header("Allow", allow);
        e = {405, req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")", ""};
      } else {
        e.error = "no such route " + req.method + " " + req.path + " (see /api/v1/openapi.json)";
      }
    } else if (res.status == 413) {
      e.error = "the request body is over " + std::to_string(max_body_bytes / 1024) + " KiB";
    } else {
      e.error = "request refused (HTTP " + std::to_string(res.status) + ")";
    }
    send_error(res, e);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_->set_exception_handler([this](const Request& req, Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& ex) {
      what = ex.what();
    } catch (...) {
    }
    log("api: " + req.method + " " + req.path + " failed: " + what);
    send_error(res, {500, "internal error: " + what, ""});
  });
}

}  // namespace ampgate::api
