#pragma once
// Wall times as the API writes and reads them: ISO 8601 in UTC ("2024-05-01T12:00:00Z").
#include <optional>
#include <string>

#include "api/gateway_view.h"

namespace ampgate::api {

std::string format_time(WallTime t);
// Accepts "2024-05-01T12:00:00Z", "2024-05-01T12:00:00" (UTC), "2024-05-01" and plain Unix
// seconds ("1714564800"). Empty on anything else.
std::optional<WallTime> parse_time(const std::string& text);

}  // namespace ampgate::api
