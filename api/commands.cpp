#include "api/commands.h"

#include "api/validate.h"

namespace ampgate::api {

namespace {

using nlohmann::json;

CommandReply error(const ApiError& e) {
  json body = {{"error", e.error}};
  body["field"] = e.field.empty() ? json(nullptr) : json(e.field);
  return {e.status, body};
}

CommandReply result(const CommandResult& r, json accepted) {
  switch (r.status) {
    case CommandResult::Status::ok:
      accepted["accepted"] = true;
      accepted["effective"] = "next control period";
      return {202, accepted};
    case CommandResult::Status::unknown_charger: return error({404, r.message, r.field});
    case CommandResult::Status::rejected: break;
  }
  return error({409, r.message, r.field});
}

// Commands on one charger: an unknown id is refused before the body is even read.
template <typename Run>
CommandReply on_charger(GatewayControl& gw, const std::string& id, Run run) {
  const SiteView site = gw.site();
  for (const auto& c : site.chargers)
    if (c.id == id) return run(c);
  return error({404, "no charger '" + id + "'", "id"});
}

}  // namespace

CommandReply command_mode(GatewayControl& gw, const std::string& charger, const std::string& text) {
  return on_charger(gw, charger, [&](const ChargerView& c) {
    auto body = parse_body(text);
    if (auto* e = std::get_if<ApiError>(&body)) return error(*e);
    auto cmd = check_mode(std::get<json>(body));
    if (auto* e = std::get_if<ApiError>(&cmd)) return error(*e);
    const auto& m = std::get<ModeCommand>(cmd);
    json echo = {{"charger", c.id}, {"mode", config::to_string(m.mode)}};
    if (m.eco_grid_current) echo["eco_grid_current"] = *m.eco_grid_current;
    if (m.eco_plus_start_surplus) echo["eco_plus_start_surplus"] = *m.eco_plus_start_surplus;
    return result(gw.set_mode(c.id, m), echo);
  });
}

CommandReply command_limit(GatewayControl& gw, const std::string& charger, const std::string& text) {
  return on_charger(gw, charger, [&](const ChargerView& c) {
    auto body = parse_body(text);
    if (auto* e = std::get_if<ApiError>(&body)) return error(*e);
    auto limit = check_limit(std::get<json>(body), c);
    if (auto* e = std::get_if<ApiError>(&limit)) return error(*e);
    const auto& v = std::get<std::optional<double>>(limit);
    return result(gw.set_limit(c.id, v), {{"charger", c.id}, {"max_current", v ? json(*v) : json(nullptr)}});
  });
}

CommandReply command_start(GatewayControl& gw, const std::string& charger) {
  return on_charger(gw, charger, [&](const ChargerView& c) {
    return result(gw.start(c.id), {{"charger", c.id}, {"command", "start"}});
  });
}

CommandReply command_stop(GatewayControl& gw, const std::string& charger) {
  return on_charger(gw, charger, [&](const ChargerView& c) {
    return result(gw.stop(c.id), {{"charger", c.id}, {"command", "stop"}});
  });
}

CommandReply command_site_limits(GatewayControl& gw, const std::string& text) {
  auto body = parse_body(text);
  if (auto* e = std::get_if<ApiError>(&body)) return error(*e);
  const SiteView site = gw.site();
  auto cmd = check_site_limits(std::get<json>(body), site);
  if (auto* e = std::get_if<ApiError>(&cmd)) return error(*e);
  const auto& c = std::get<SiteLimitsCommand>(cmd);
  return result(gw.set_site_limits(c), {{"mains_limit", c.mains_limit ? json(*c.mains_limit) : json(nullptr)},
                                        {"duration", c.duration ? json(*c.duration) : json(nullptr)}});
}

}  // namespace ampgate::api
