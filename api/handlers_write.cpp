#include "api/commands.h"
#include "api/handlers.h"

namespace ampgate::api::detail {

namespace {

void send(httplib::Response& res, const CommandReply& reply) { send_json(res, reply.status, reply.body); }

}  // namespace

// The command rules live in api/commands.cpp (shared with MQTT); here only the routes.
void add_write_handlers(Handlers& handlers, GatewayControl& gw) {
  using httplib::Request;
  using httplib::Response;
  handlers["PUT /api/v1/chargers/{id}/mode"] = [&gw](const Request& req, Response& res) {
    send(res, command_mode(gw, req.matches[1].str(), req.body));
  };
  handlers["PUT /api/v1/chargers/{id}/limit"] = [&gw](const Request& req, Response& res) {
    send(res, command_limit(gw, req.matches[1].str(), req.body));
  };
  handlers["POST /api/v1/chargers/{id}/start"] = [&gw](const Request& req, Response& res) {
    send(res, command_start(gw, req.matches[1].str()));
  };
  handlers["POST /api/v1/chargers/{id}/stop"] = [&gw](const Request& req, Response& res) {
    send(res, command_stop(gw, req.matches[1].str()));
  };
  handlers["PUT /api/v1/site/limits"] = [&gw](const Request& req, Response& res) {
    send(res, command_site_limits(gw, req.body));
  };
}

}  // namespace ampgate::api::detail
