#include "api/time_text.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ampgate::api {

namespace {

std::optional<WallTime> in_range(std::int64_t secs) {
  if (secs < min_unix_seconds || secs > max_unix_seconds) return std::nullopt;
  return WallClock::from_time_t(static_cast<std::time_t>(secs));
}

}  // namespace

std::string time_range_text() {
  return "from " + format_time(WallClock::from_time_t(min_unix_seconds)) + " (" + std::to_string(min_unix_seconds) +
         ") to " + format_time(WallClock::from_time_t(max_unix_seconds)) + " (" + std::to_string(max_unix_seconds) + ")";
}

std::string format_time(WallTime t) {
  const std::time_t secs = WallClock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<WallTime> parse_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  bool digits = true;
  for (char c : text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    if (text.size() > 12) return std::nullopt;  // also keeps stoll from overflowing
    return in_range(std::stoll(text));
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3) return std::nullopt;
  std::string rest = text.substr(static_cast<std::size_t>(used));
  if (!rest.empty()) {
    int used2 = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &s, &used2) != 3) return std::nullopt;
    rest = rest.substr(static_cast<std::size_t>(used2));
    if (!(rest.empty() || rest == "Z")) return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return in_range(timegm(&tm));
}

}  // namespace ampgate::api
