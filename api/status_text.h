#pragma once
// The one-screen text of `ampgate status`, made from the GET /api/v1/site document.
#include <string>

#include <nlohmann/json.hpp>

namespace ampgate::api {

// Throws nlohmann::json::exception when the document lacks what it needs.
std::string status_text(const nlohmann::json& site);

}  // namespace ampgate::api
