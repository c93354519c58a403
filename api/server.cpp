#include "api/server.h"

#include <httplib.h>

#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <regex>

#include "api/auth.h"
#include "api/health.h"
#include "api/json_view.h"
#include "api/openapi.h"
#include "api/prometheus.h"
#include "api/routes.h"
#include "api/time_text.h"
#include "api/validate.h"
#include "api/web_assets.h"

namespace ampgate::api {

namespace {

using httplib::Request;
using httplib::Response;
using Handler = std::function<void(const Request&, Response&)>;

constexpr auto stream_keepalive = std::chrono::seconds(15);

void send_json(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(Response& res, const ApiError& e) {
  send_json(res, e.status, {{"error", e.error}, {"field", e.field.empty() ? json(nullptr) : json(e.field)}});
}

const ChargerView* find_charger(const SiteView& site, const std::string& id) {
  for (const auto& c : site.chargers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

ApiError no_charger(const std::string& id) { return {404, "no charger '" + id + "'", "id"}; }

void send_result(Response& res, const CommandResult& r, json accepted) {
  switch (r.status) {
    case CommandResult::Status::ok:
      accepted["accepted"] = true;
      accepted["effective"] = "next control period";
      send_json(res, 202, accepted);
      return;
    case CommandResult::Status::unknown_charger: send_error(res, {404, r.message, r.field}); return;
    case CommandResult::Status::rejected: send_error(res, {409, r.message, r.field}); return;
  }
}

// Optional query parameters; a present but unreadable one is a 400 naming it.
std::optional<ApiError> time_param(const Request& req, const char* name, std::optional<WallTime>& out) {
  if (!req.has_param(name)) return std::nullopt;
  out = parse_time(req.get_param_value(name));
  if (!out) return ApiError{400, std::string(name) + " must be an ISO 8601 UTC time or Unix seconds", name};
  return std::nullopt;
}

std::optional<ApiError> count_param(const Request& req, const char* name, long min, long max, std::size_t& out) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < min || n > max) {
    return ApiError{400, std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                             std::to_string(max),
                    name};
  }
  out = static_cast<std::size_t>(n);
  return std::nullopt;
}

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
  std::map<std::string, Handler> handlers;
  auto& gw = gateway_;

  handlers["GET /"] = [](const Request&, Response& res) {
    const Asset* a = find_asset("index.html");
    res.set_content(std::string(a->body), std::string(a->content_type));
  };
  handlers["GET /assets/{name}"] = [](const Request& req, Response& res) {
    const Asset* a = find_asset(req.matches[1].str());
    if (!a) return send_error(res, {404, "no asset '" + req.matches[1].str() + "'", "name"});
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->body), std::string(a->content_type));
  };
  handlers["GET /metrics"] = [&gw](const Request&, Response& res) {
    res.set_content(prometheus_text(gw.site()), "text/plain; version=0.0.4");
  };
  handlers["GET /api/v1/openapi.json"] = [](const Request&, Response& res) { send_json(res, 200, openapi_document()); };
  handlers["GET /api/v1/health"] = [&gw](const Request&, Response& res) {
    const Health h = judge_health(gw.site(), WallClock::now());
    send_json(res, h.ok ? 200 : 503, {{"ok", h.ok}, {"reason", h.ok ? json(nullptr) : json(h.reason)}});
  };
  handlers["GET /api/v1/site"] = [&gw](const Request&, Response& res) { send_json(res, 200, to_json(gw.site())); };
  handlers["GET /api/v1/chargers"] = [&gw](const Request&, Response& res) {
    json all = json::array();
    for (const auto& c : gw.site().chargers) all.push_back(to_json(c));
    send_json(res, 200, all);
  };
  handlers["GET /api/v1/chargers/{id}"] = [&gw](const Request& req, Response& res) {
    const SiteView site = gw.site();
    const ChargerView* c = find_charger(site, req.matches[1].str());
    if (!c) return send_error(res, no_charger(req.matches[1].str()));
    send_json(res, 200, to_json(*c));
  };
  handlers["GET /api/v1/meters"] = [&gw](const Request&, Response& res) {
    json all = json::array();
    for (const auto& m : gw.site().meters) all.push_back(to_json(m));
    send_json(res, 200, all);
  };
  handlers["GET /api/v1/circuits"] = [&gw](const Request&, Response& res) {
    const SiteView site = gw.site();
    json all = json::array({mains_json(site)});
    for (const auto& c : site.circuits) all.push_back(to_json(c));
    send_json(res, 200, all);
  };
  handlers["GET /api/v1/sessions"] = [&gw](const Request& req, Response& res) {
    SessionQuery q;
    if (auto e = time_param(req, "from", q.from)) return send_error(res, *e);
    if (auto e = time_param(req, "to", q.to)) return send_error(res, *e);
    if (auto e = count_param(req, "limit", 1, 10000, q.limit)) return send_error(res, *e);
    if (req.has_param("charger")) q.charger = req.get_param_value("charger");
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
    if (format != "json" && format != "csv") return send_error(res, {400, "format must be json or csv", "format"});
    const auto rows = gw.sessions(q);
    if (format == "csv") {
      res.set_header("Content-Disposition", "attachment; filename=\"sessions.csv\"");
      return res.set_content(sessions_csv(rows), "text/csv");
    }
    json all = json::array();
    for (const auto& r : rows) all.push_back(to_json(r));
    send_json(res, 200, all);
  };
  handlers["GET /api/v1/events"] = [&gw](const Request& req, Response& res) {
    EventQuery q;
    if (auto e = time_param(req, "from", q.from)) return send_error(res, *e);
    if (auto e = time_param(req, "to", q.to)) return send_error(res, *e);
    if (auto e = count_param(req, "limit", 1, 10000, q.limit)) return send_error(res, *e);
    json all = json::array();
    for (const auto& r : gw.events(q)) all.push_back(to_json(r));
    send_json(res, 200, all);
  };
  handlers["GET /api/v1/history"] = [&gw](const Request& req, Response& res) {
    std::size_t minutes = 60;
    if (auto e = count_param(req, "minutes", 1, 1440, minutes)) return send_error(res, *e);
    const auto now = WallClock::now();
    send_json(res, 200, to_json(gw.history(now - std::chrono::minutes(minutes), now)));
  };
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

  auto charger_command = [&gw](const std::string& what, auto&& run) {
    return [&gw, what, run](const Request& req, Response& res) {
      const std::string id = req.matches[1].str();
      const SiteView site = gw.site();
      const ChargerView* c = find_charger(site, id);
      if (!c) return send_error(res, no_charger(id));
      run(req, res, *c);
    };
  };
  handlers["PUT /api/v1/chargers/{id}/mode"] = charger_command("mode", [&gw](const Request& req, Response& res, const ChargerView& c) {
    auto body = parse_body(req.body);
    if (auto* e = std::get_if<ApiError>(&body)) return send_error(res, *e);
    auto cmd = check_mode(std::get<json>(body));
    if (auto* e = std::get_if<ApiError>(&cmd)) return send_error(res, *e);
    const auto& m = std::get<ModeCommand>(cmd);
    json echo = {{"charger", c.id}, {"mode", config::to_string(m.mode)}};
    if (m.eco_grid_current) echo["eco_grid_current"] = *m.eco_grid_current;
    if (m.eco_plus_start_surplus) echo["eco_plus_start_surplus"] = *m.eco_plus_start_surplus;
    send_result(res, gw.set_mode(c.id, m), echo);
  });
  handlers["PUT /api/v1/chargers/{id}/limit"] = charger_command("limit", [&gw](const Request& req, Response& res, const ChargerView& c) {
    auto body = parse_body(req.body);
    if (auto* e = std::get_if<ApiError>(&body)) return send_error(res, *e);
    auto limit = check_limit(std::get<json>(body), c);
    if (auto* e = std::get_if<ApiError>(&limit)) return send_error(res, *e);
    const auto& v = std::get<std::optional<double>>(limit);
    send_result(res, gw.set_limit(c.id, v), {{"charger", c.id}, {"max_current", v ? json(*v) : json(nullptr)}});
  });
  handlers["POST /api/v1/chargers/{id}/start"] = charger_command("start", [&gw](const Request&, Response& res, const ChargerView& c) {
    send_result(res, gw.start(c.id), {{"charger", c.id}, {"command", "start"}});
  });
  handlers["POST /api/v1/chargers/{id}/stop"] = charger_command("stop", [&gw](const Request&, Response& res, const ChargerView& c) {
    send_result(res, gw.stop(c.id), {{"charger", c.id}, {"command", "stop"}});
  });
  handlers["PUT /api/v1/site/limits"] = [&gw](const Request& req, Response& res) {
    auto body = parse_body(req.body);
    if (auto* e = std::get_if<ApiError>(&body)) return send_error(res, *e);
    const SiteView site = gw.site();
    auto cmd = check_site_limits(std::get<json>(body), site);
    if (auto* e = std::get_if<ApiError>(&cmd)) return send_error(res, *e);
    const auto& c = std::get<SiteLimitsCommand>(cmd);
    send_result(res, gw.set_site_limits(c),
                {{"mains_limit", c.mains_limit ? json(*c.mains_limit) : json(nullptr)},
                 {"duration", c.duration ? json(*c.duration) : json(nullptr)}});
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
