#pragma once
// The route handlers behind api::Server, keyed like the route table ("GET /api/v1/site").
// Internal to api/: the server wraps each with its token check and registers it.
#include <httplib.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "api/gateway_view.h"
#include "api/json_view.h"
#include "api/validate.h"

namespace ampgate::api::detail {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
using Handlers = std::map<std::string, Handler>;

void add_read_handlers(Handlers& handlers, GatewayControl& gateway);   // pages, documents, queries
void add_write_handlers(Handlers& handlers, GatewayControl& gateway);  // commands

void send_json(httplib::Response& res, int status, const json& body);
void send_error(httplib::Response& res, const ApiError& e);

const ChargerView* find_charger(const SiteView& site, const std::string& id);  // nullptr if none
ApiError no_charger(const std::string& id);                                     // 404 naming it

}  // namespace ampgate::api::detail
