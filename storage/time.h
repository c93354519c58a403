#pragma once
// Time as the storage layer keeps it: UTC, as integer milliseconds since the Unix epoch in
// every table (sortable, indexable, no time-zone ambiguity). Callers pass time in, so tests
// control it; nothing in storage/ reads the clock.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ampgate::storage {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

std::int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(std::int64_t ms);

// "2024-03-05T14:02:07Z" (seconds precision, UTC).
std::string format_utc(TimePoint t);

// The years parse_utc accepts: Clock (nanoseconds, 64 bits) holds 1677-2262 only.
inline constexpr int min_year = 1970;
inline constexpr int max_year = 2199;

// Parses a date or timestamp a user typed. Accepted:
//   YYYY-MM-DD                       midnight UTC of that day
//   YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]   (a space may replace the T; no zone = UTC)
// Returns nullopt for anything else, including impossible dates (2024-02-30) and years
// outside min_year..max_year.
std::optional<TimePoint> parse_utc(std::string_view text);

// True when `text` is a plain date (YYYY-MM-DD), so "--to DATE" can include that whole day.
bool is_plain_date(std::string_view text);

}  // namespace ampgate::storage
