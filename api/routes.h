#pragma once
// The one list of the API's routes. The server registers exactly these (api/server.cpp) and
// the OpenAPI document is built from them (api/openapi.cpp), so the two cannot drift apart;
// a test checks both directions.
#include <string>
#include <vector>

namespace ampgate::api {

enum class Access {
  open,   // always without token: the page, its assets, the OpenAPI document, /health
  read,   // without token unless api.reads_need_token
  write,  // always needs Authorization: Bearer <token>
};

struct QueryParam {
  const char* name;
  const char* type;  // OpenAPI type: "string", "integer"
  const char* description;
};

struct Route {
  const char* method;          // "GET", "PUT", "POST"
  const char* path;            // OpenAPI form, e.g. "/api/v1/chargers/{id}"
  const char* summary;
  Access access;
  const char* body_schema;     // name under components/schemas, or nullptr
  const char* content_type;    // of the 2xx answer
  std::vector<QueryParam> query;
};

inline constexpr const char* api_prefix = "/api/v1";

const std::vector<Route>& routes();

// The httplib pattern of a route: "{name}" becomes a capture group.
std::string route_regex(const Route& route);
// "GET /api/v1/site"
std::string route_key(const Route& route);

}  // namespace ampgate::api
