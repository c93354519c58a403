#include "api/openapi.h"

#include <string>

#include "api/routes.h"

namespace ampgate::api {

using nlohmann::json;

namespace {

json error_response(const char* what) {
  return {{"description", what},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json schemas() {
  auto amps = [](const char* d) { return json{{"type", "number"}, {"description", d}}; };
  return {
      {"Error",
       {{"type", "object"},
        {"required", {"error", "field"}},
        {"properties",
         {{"error", {{"type", "string"}, {"description", "what is wrong, for a person"}}},
          {"field", {{"type", "string"}, {"nullable", true}, {"description", "the field at fault"}}}}}}},
      {"ModeRequest",
       {{"type", "object"},
        {"required", {"mode"}},
        {"additionalProperties", false},
        {"properties",
         {{"mode", {{"type", "string"}, {"enum", {"off", "fast", "eco", "eco_plus", "solar"}}}},
          {"eco_grid_current", amps("eco: amps taken from the grid at least (6-80)")},
          {"eco_plus_start_surplus", amps("eco_plus: surplus amps needed to start (1-80)")}}}}},
      {"LimitRequest",
       {{"type", "object"},
        {"required", {"max_current"}},
        {"additionalProperties", false},
        {"properties",
         {{"max_current",
           {{"type", "number"}, {"nullable", true}, {"description", "amps within the charger's range; null removes"}}}}}}},
      {"SiteLimitsRequest",
       {{"type", "object"},
        {"required", {"mains_limit"}},
        {"additionalProperties", false},
        {"properties",
         {{"mains_limit",
           {{"type", "number"}, {"nullable", true}, {"description", "amps per phase, 0 up to the mains fuse; null clears"}}},
          {"duration", {{"type", "number"}, {"description", "seconds until the limit lapses (1-604800)"}}}}}}},
  };
}

}  // namespace

json openapi_document() {
  json paths = json::object();
  for (const auto& r : routes()) {
    json op = {{"summary", r.summary}, {"operationId", route_key(r)}};
    json params = json::array();
    const std::string path = r.path;
    for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    for (const auto& q : r.query) {
      params.push_back({{"name", q.name}, {"in", "query"}, {"required", false}, {"description", q.description},
                        {"schema", {{"type", q.type}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.body_schema) {
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/json", {{"schema", {{"$ref", std::string("#/components/schemas/") + r.body_schema}}}}}}}};
    }
    json responses;
    if (r.access == Access::write) {
      responses["202"] = {{"description", "accepted; takes effect at the next control period and is logged as an event"}};
      responses["400"] = error_response("malformed JSON");
      responses["401"] = error_response("missing or wrong token");
      responses["404"] = error_response("unknown charger");
      responses["413"] = error_response("body over 64 KiB");
      responses["422"] = error_response("a value out of range, of the wrong type, or unknown");
      op["security"] = json::array({{{"bearer", json::array()}}});
    } else {
      responses["200"] = {{"description", "OK"}, {"content", {{r.content_type, json::object()}}}};
      if (r.access == Access::read) responses["401"] = error_response("token required (api.reads_need_token)");
      if (path.find('{') != std::string::npos) responses["404"] = error_response("no such item");
      if (!r.query.empty()) responses["400"] = error_response("a query parameter that cannot be read");
      if (path == "/api/v1/health") responses["503"] = error_response("not healthy, with the reason");
      if (path == "/api/v1/stream") responses["503"] = error_response("too many live clients");
    }
    op["responses"] = responses;
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.path][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "ampgate"},
            {"version", "1"},
            {"description",
             "Energy-management gateway for EV charging sites. Stale measurements are null, never 0. "
             "Writes need Authorization: Bearer <token> (the token file is named by api.token_file)."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas()}, {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace ampgate::api
