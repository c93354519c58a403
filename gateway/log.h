#pragma once
// Structured log lines on stderr, one per event:
//   2026-11-21T13:40:02.118Z warning loop "meter stale" meter=mains age_s=6.2
// Quiet at info level in steady state: callers log changes, never every cycle.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ampgate::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };

struct Field {
  std::string key;
  std::string value;
  Field(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  Field(std::string k, const char* v) : key(std::move(k)), value(v) {}
  Field(std::string k, double v);
  Field(std::string k, int v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, long v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, long long v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, unsigned v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, unsigned long v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, unsigned long long v) : key(std::move(k)), value(std::to_string(v)) {}
  Field(std::string k, bool v) : key(std::move(k)), value(v ? "true" : "false") {}
};

void set_level(Level level);
Level level();
const char* to_string(Level level);
// Formats one line (without the newline); exposed for tests.
std::string format(Level level, std::string_view source, std::string_view message, std::initializer_list<Field> fields);
void write(Level level, std::string_view source, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view s, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, s, m, f); }
inline void info(std::string_view s, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, s, m, f); }
inline void warning(std::string_view s, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warning, s, m, f); }
inline void error(std::string_view s, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, s, m, f); }

}  // namespace ampgate::log
