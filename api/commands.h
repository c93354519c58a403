#pragma once
// The write commands of the gateway, independent of the transport that carries them. REST
// (api/handlers_write.cpp) and MQTT (api/mqtt/) both call these, so a command is checked by
// the same rules and refused in the same words whichever way it arrives.
#include <string>

#include <nlohmann/json.hpp>

#include "api/gateway_view.h"

namespace ampgate::api {

// An answer: 202 with the accepted command echoed, or an error status (400 bad body,
// 404 unknown charger, 409 refused by the daemon) with { "error": ..., "field": ... }.
struct CommandReply {
  int status = 202;
  nlohmann::json body;
  bool ok() const { return status / 100 == 2; }
};

// `body` is the request body as text (JSON object, as the REST API takes it).
CommandReply command_mode(GatewayControl& gw, const std::string& charger, const std::string& body);
CommandReply command_limit(GatewayControl& gw, const std::string& charger, const std::string& body);
CommandReply command_start(GatewayControl& gw, const std::string& charger);
CommandReply command_stop(GatewayControl& gw, const std::string& charger);
CommandReply command_site_limits(GatewayControl& gw, const std::string& body);

}  // namespace ampgate::api
