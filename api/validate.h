#pragma once
// Checks the bodies of write requests. Ranges and messages are site.yaml's (the loader in
// gateway/config_*.cpp): a value a user could not write in the config cannot be written
// through the API either, and it is refused in the same words. The loader keeps its ranges
// file-local, so they are repeated in the table below; a test holds both to the same values.
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/gateway_view.h"

namespace ampgate::api {

// A refused request: HTTP status, a sentence for the user, and the field at fault (may be
// empty). Sent as { "error": ..., "field": ... }.
struct ApiError {
  int status = 400;
  std::string error;
  std::string field;
};

template <typename T>
using Checked = std::variant<T, ApiError>;

struct Range {
  double min;
  double max;
  const char* unit;
};

// The same ranges as site.yaml (charger currents, mode settings, durations).
namespace ranges {
inline constexpr Range charger_current{6.0, 80.0, "A"};          // chargers[].min_current/max_current
inline constexpr Range eco_grid_current{6.0, 80.0, "A"};         // chargers[].mode_settings
inline constexpr Range eco_plus_start_surplus{0.0, 80.0, "A"};   // chargers[].mode_settings
inline constexpr Range temporary_limit_duration{1.0, 7.0 * 24 * 3600, "s"};
}  // namespace ranges

// Parses a request body as a JSON object; malformed JSON or a non-object is a 400.
Checked<nlohmann::json> parse_body(const std::string& body);

// PUT /chargers/{id}/mode: { "mode": "eco", "eco_grid_current": 8, "eco_plus_start_surplus": 6 }
Checked<ModeCommand> check_mode(const nlohmann::json& body);
// PUT /chargers/{id}/limit: { "max_current": 10 } or { "max_current": null } to remove it.
Checked<std::optional<double>> check_limit(const nlohmann::json& body, const ChargerView& charger);
// PUT /site/limits: { "mains_limit": 16, "duration": 3600 } or { "mains_limit": null }.
Checked<SiteLimitsCommand> check_site_limits(const nlohmann::json& body, const SiteView& site);

// Mode names exactly as in site.yaml; empty for an unknown name.
std::optional<config::Mode> parse_mode(const std::string& name);

}  // namespace ampgate::api
