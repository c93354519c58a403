#include "storage/time.h"

#include <cctype>
#include <cstdio>

namespace ampgate::storage {

namespace {

using namespace std::chrono;

// Reads exactly `digits` decimal digits at `pos`; advances pos.
std::optional<int> read_number(std::string_view s, size_t& pos, size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<sys_days> read_date(std::string_view s, size_t& pos) {
  auto y = read_number(s, pos, 4);
  if (!y || !expect(s, pos, '-')) return std::nullopt;
  // The clock counts nanoseconds in 64 bits and ends in 2262: a later date would overflow
  // it. The years a user can mean are well inside this.
  if (*y < min_year || *y > max_year) return std::nullopt;
  auto m = read_number(s, pos, 2);
  if (!m || !expect(s, pos, '-')) return std::nullopt;
  auto d = read_number(s, pos, 2);
  if (!d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

}  // namespace

std::int64_t to_unix_ms(TimePoint t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }

TimePoint from_unix_ms(std::int64_t ms) { return TimePoint{duration_cast<Clock::duration>(milliseconds{ms})}; }

std::string format_utc(TimePoint t) {
  const auto secs = floor<seconds>(t);
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd{days};
  const hh_mm_ss hms{secs - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

bool is_plain_date(std::string_view text) {
  size_t pos = 0;
  return read_date(text, pos) && pos == text.size();
}

std::optional<TimePoint> parse_utc(std::string_view s) {
  size_t pos = 0;
  const auto date = read_date(s, pos);
  if (!date) return std::nullopt;
  if (pos == s.size()) return TimePoint{*date};
  if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto h = read_number(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto mi = read_number(s, pos, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto v = read_number(s, pos, 2);
    if (!v) return std::nullopt;
    sec = *v;
  }
  if (*h > 23 || *mi > 59 || sec > 59) return std::nullopt;
  minutes offset{0};
  if (pos < s.size()) {
    const char z = s[pos++];
    if (z == 'Z') {
      // UTC
    } else if (z == '+' || z == '-') {
      auto oh = read_number(s, pos, 2);
      if (!oh || !expect(s, pos, ':')) return std::nullopt;
      auto om = read_number(s, pos, 2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      offset = hours{*oh} + minutes{*om};
      if (z == '-') offset = -offset;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  // Local time = UTC + offset, so UTC = local - offset.
  return TimePoint{*date} + hours{*h} + minutes{*mi} + seconds{sec} - offset;
}

}  // namespace ampgate::storage
