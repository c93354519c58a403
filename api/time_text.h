#pragma once
// Wall times as the API writes and reads them: ISO 8601 in UTC ("2024-05-01T12:00:00Z").
#include <cstdint>
#include <optional>
#include <string>

#include "api/gateway_view.h"

namespace ampgate::api {

// The times a request may carry. The clock counts nanoseconds in 64 bits, so it ends in
// April 2262; a later time (?from=9999999999) would overflow it (undefined behaviour, and a
// release build wrapped to 1816). The range stops well before that, at a round date.
inline constexpr std::int64_t min_unix_seconds = 0;              // 1970-01-01T00:00:00Z
inline constexpr std::int64_t max_unix_seconds = 7258118399;     // 2199-12-31T23:59:59Z
// "from 1970-01-01T00:00:00Z (0) to 2199-12-31T23:59:59Z (7258118399)", for error messages.
std::string time_range_text();

std::string format_time(WallTime t);
// Accepts "2024-05-01T12:00:00Z", "2024-05-01T12:00:00" (UTC), "2024-05-01" and plain Unix
// seconds ("1714564800"), within [min_unix_seconds, max_unix_seconds]. Empty on anything
// else, a time outside that range included.
std::optional<WallTime> parse_time(const std::string& text);

}  // namespace ampgate::api
