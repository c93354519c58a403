#include <chrono>

#include "api/handlers.h"
#include "api/health.h"
#include "api/openapi.h"
#include "api/prometheus.h"
#include "api/time_text.h"
#include "api/web_assets.h"

namespace ampgate::api::detail {

namespace {

using httplib::Request;
using httplib::Response;

// Optional query parameters; a present but unreadable one is a 400 naming it.
std::optional<ApiError> time_param(const Request& req, const char* name, std::optional<WallTime>& out) {
  if (!req.has_param(name)) return std::nullopt;
  out = parse_time(req.get_param_value(name));
  if (!out) {
    return ApiError{400, std::string(name) + " must be an ISO 8601 UTC time or Unix seconds, " + time_range_text(),
                    name};
  }
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

void add_read_handlers(Handlers& handlers, GatewayControl& gw) {
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
}

}  // namespace ampgate::api::detail
