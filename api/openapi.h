#pragma once
// The OpenAPI 3 document of the API, built from the route table (api/routes.h).
#include <nlohmann/json.hpp>

namespace ampgate::api {

nlohmann::json openapi_document();

}  // namespace ampgate::api
