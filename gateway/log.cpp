#include "gateway/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace ampgate::log {

namespace {
std::atomic<Level> current_level{Level::info};
std::mutex write_mutex;

// Values with spaces, quotes or '=' are quoted so that lines stay machine-splittable.
void append_value(std::string& out, std::string_view v) {
  bool plain = !v.empty() && v.find_first_of(" \t\"=\n") == std::string_view::npos;
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' ? ' ' : c);
  }
  out += '"';
}
}  // namespace

Field::Field(std::string k, double v) : key(std::move(k)) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  value = buf;
}

void set_level(Level l) { current_level = l; }
Level level() { return current_level; }

const char* to_string(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "?";
}

std::string format(Level l, std::string_view source, std::string_view message, std::initializer_list<Field> fields) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  std::string out = stamp;
  out += ' ';
  out += to_string(l);
  out += ' ';
  out += source;
  out += ' ';
  std::string quoted;
  append_value(quoted, message);
  if (quoted.front() != '"') quoted = '"' + quoted + '"';
  out += quoted;
  for (const auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    append_value(out, f.value);
  }
  return out;
}

void write(Level l, std::string_view source, std::string_view message, std::initializer_list<Field> fields) {
  if (l < current_level.load()) return;
  std::string line = format(l, source, message, fields);
  line += '\n';
  std::lock_guard lock(write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ampgate::log
