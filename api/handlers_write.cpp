#include "api/handlers.h"

namespace ampgate::api::detail {

namespace {

using httplib::Request;
using httplib::Response;

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

}  // namespace

void add_write_handlers(Handlers& handlers, GatewayControl& gw) {
  // Commands on one charger: an unknown id is a 404 before the body is even read.
  auto charger_command = [&gw](auto&& run) {
    return [&gw, run](const Request& req, Response& res) {
      const std::string id = req.matches[1].str();
      const SiteView site = gw.site();
      const ChargerView* c = find_charger(site, id);
      if (!c) return send_error(res, no_charger(id));
      run(req, res, *c);
    };
  };
  handlers["PUT /api/v1/chargers/{id}/mode"] = charger_command([&gw](const Request& req, Response& res, const ChargerView& c) {
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
  handlers["PUT /api/v1/chargers/{id}/limit"] = charger_command([&gw](const Request& req, Response& res, const ChargerView& c) {
    auto body = parse_body(req.body);
    if (auto* e = std::get_if<ApiError>(&body)) return send_error(res, *e);
    auto limit = check_limit(std::get<json>(body), c);
    if (auto* e = std::get_if<ApiError>(&limit)) return send_error(res, *e);
    const auto& v = std::get<std::optional<double>>(limit);
    send_result(res, gw.set_limit(c.id, v), {{"charger", c.id}, {"max_current", v ? json(*v) : json(nullptr)}});
  });
  handlers["POST /api/v1/chargers/{id}/start"] = charger_command([&gw](const Request&, Response& res, const ChargerView& c) {
    send_result(res, gw.start(c.id), {{"charger", c.id}, {"command", "start"}});
  });
  handlers["POST /api/v1/chargers/{id}/stop"] = charger_command([&gw](const Request&, Response& res, const ChargerView& c) {
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
}

}  // namespace ampgate::api::detail
