#pragma once
// Commands over MQTT: <prefix>/charger/<id>/{mode,limit,start,stop}/set and
// <prefix>/site/limits/set. Each runs through api/commands.h (the REST API's rules and
// words) and is answered on the same topic with /result instead of /set.
#include <optional>
#include <string>
#include <vector>

#include "api/gateway_view.h"

namespace ampgate::api::mqtt {

struct CommandAnswer {
  std::string topic;    // where the answer goes
  std::string payload;  // JSON: the accepted command, or { "error", "field", "status" }
};

// The topic filters the bridge subscribes to.
std::vector<std::string> command_filters(const std::string& prefix);

// Runs the command `topic` names; nullopt when `topic` is not a command topic of `prefix`.
// Payloads: the REST body (a JSON object), or for Home Assistant's entities the bare value
// ("eco" for mode, "10" or "null" for limit, "16" or "null" for the site's mains limit).
std::optional<CommandAnswer> run_command(GatewayControl& gw, const std::string& prefix, const std::string& topic,
                                         const std::string& payload);

}  // namespace ampgate::api::mqtt
