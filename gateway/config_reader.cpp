#include "gateway/config_reader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "gateway/config_schema.h"

namespace ampgate::config::detail {

using yaml::kind_of;

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

Location Reader::at(const YAML::Mark& mark) const {
  const auto s = yaml::spot(mark);
  return {file_, s.line, s.column};
}

void Reader::report(Location where, std::string path, std::string message) {
  problems_.push_back({std::move(where), std::move(path), std::move(message)});
}

Location Reader::where(const std::string& path, Location fallback) const {
  auto it = seen_.find(path);
  return it == seen_.end() ? fallback : it->second;
}

bool Reader::reported(const std::string& path) const {
  return std::any_of(problems_.begin(), problems_.end(), [&](const Problem& p) {
    return p.path == path || (p.path.size() > path.size() && p.path.compare(0, path.size(), path) == 0 &&
                              (p.path[path.size()] == '.' || p.path[path.size()] == '['));
  });
}

MapReader::MapReader(Reader& r, const YAML::Node& node, std::string map_path, std::string_view section,
                     Location fallback)
    : r_(r), path_(std::move(map_path)), where_(fallback) {
  if (!node.IsDefined() || node.IsNull()) {
    ok_ = true;  // an empty section: every key takes its default
    return;
  }
  where_ = r_.at(node.Mark());
  if (!node.IsMap()) {
    r_.report(where_, path_, std::string("expected a map of keys, got ") + kind_of(node));
    return;
  }
  ok_ = true;
  const SectionKeys* schema = find_section(section);
  for (auto it = node.begin(); it != node.end(); ++it) {
    Location key_at = r_.at(it->first.Mark());
    if (!it->first.IsScalar()) {
      r_.report(key_at, path_, "a key must be a plain word");
      continue;
    }
    std::string key = it->first.Scalar();
    if (schema && std::find(schema->keys.begin(), schema->keys.end(), key) == schema->keys.end()) {
      std::string guess = closest(key, schema->keys);
      if (!guess.empty()) guessed_.push_back(guess);
      r_.report(key_at, path(key), yaml::unknown_key(key, schema->keys));
      continue;
    }
    if (find(key)) {
      r_.report(key_at, path(key), "key '" + key + "' appears twice; keep one");
      continue;
    }
    entries_.push_back({key, it->first, it->second});
    r_.remember(path(key), where(key));
  }
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries_.end() ? nullptr : &*it;
}

YAML::Node MapReader::value(std::string_view key) const {
  const Entry* e = find(key);
  return e ? e->value : YAML::Node();
}

Location MapReader::where(std::string_view key) const {
  const Entry* e = find(key);
  if (!e) return where_;
  // yaml-cpp gives an empty value no useful mark; point at its key instead.
  return r_.at(e->value.IsNull() ? e->key_node.Mark() : e->value.Mark());
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.key);
  return out;
}

void MapReader::missing(std::string_view key, std::string_view hint) {
  // A misspelt key was already reported with this one as the suggestion; once more is noise.
  if (std::find(guessed_.begin(), guessed_.end(), key) != guessed_.end()) return;
  std::string message = "missing required key '" + std::string(key) + "'";
  if (!hint.empty()) message += " (" + std::string(hint) + ")";
  r_.report(where_, path(key), message);
}

std::optional<std::string> MapReader::scalar(std::string_view key, std::string_view expected, bool required) {
  const Entry* e = find(key);
  if (!e) {
    if (required) missing(key, expected);
    return std::nullopt;
  }
  if (e->value.IsNull()) {
    r_.report(where(key), path(key), "has no value; expected " + std::string(expected));
    return std::nullopt;
  }
  if (!e->value.IsScalar()) {
    r_.report(where(key), path(key), "expected " + std::string(expected) + ", got " + kind_of(e->value));
    return std::nullopt;
  }
  return e->value.Scalar();
}

std::optional<std::string> MapReader::text(std::string_view key, bool required) {
  auto s = scalar(key, "text", required);
  if (s && s->empty()) {
    r_.report(where(key), path(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> MapReader::id(std::string_view key, bool required) {
  auto s = scalar(key, "an id (lower-case letters, digits, '_' and '-')", required);
  if (!s) return s;
  bool good = !s->empty() && std::all_of(s->begin(), s->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!good) {
    r_.report(where(key), path(key),
              "'" + *s + "' is not a valid id: use lower-case letters, digits, '_' and '-' only");
    return std::nullopt;
  }
  return s;
}

std::optional<double> MapReader::number(std::string_view key, double lo, double hi, std::string_view unit,
                                        bool required) {
  std::string with_unit = unit.empty() ? "" : " " + std::string(unit);
  auto s = scalar(key, "a number" + (unit.empty() ? std::string() : " of" + with_unit), required);
  if (!s) return std::nullopt;
  double v = 0;
  try {
    v = find(key)->value.as<double>();
  } catch (const YAML::Exception&) {
    r_.report(where(key), path(key),
              "expected a number" + (unit.empty() ? std::string() : " (in" + with_unit + ")") + ", got '" + *s + "'");
    return std::nullopt;
  }
  if (!std::isfinite(v)) {
    r_.report(where(key), path(key), "expected a finite number, got '" + *s + "'");
    return std::nullopt;
  }
  if (v < lo || v > hi) {
    r_.report(where(key), path(key),
              number_text(v) + with_unit + " is outside " + number_text(lo) + "–" + number_text(hi) + with_unit);
    return std::nullopt;
  }
  return v;
}

std::optional<long long> MapReader::integer(std::string_view key, long long lo, long long hi, bool required) {
  auto s = scalar(key, "a whole number", required);
  if (!s) return std::nullopt;
  long long v = 0;
  try {
    v = find(key)->value.as<long long>();
  } catch (const YAML::Exception&) {
    r_.report(where(key), path(key), "expected a whole number, got '" + *s + "'");
    return std::nullopt;
  }
  if (v < lo || v > hi) {
    r_.report(where(key), path(key),
              std::to_string(v) + " is outside " + std::to_string(lo) + "–" + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  auto s = scalar(key, "true or false", false);
  if (!s) return std::nullopt;
  try {
    return find(key)->value.as<bool>();
  } catch (const YAML::Exception&) {
    r_.report(where(key), path(key), "expected true or false, got '" + *s + "'");
    return std::nullopt;
  }
}

std::optional<std::size_t> MapReader::word(std::string_view key, std::span<const std::string_view> words,
                                           bool required) {
  std::string list;
  for (auto w : words) list += (list.empty() ? "" : ", ") + std::string(w);
  auto s = scalar(key, "one of " + list, required);
  if (!s) return std::nullopt;
  auto it = std::find(words.begin(), words.end(), *s);
  if (it == words.end()) {
    r_.report(where(key), path(key),
              "'" + *s + "' is not a known value" + did_you_mean(*s, words) + "; use one of: " + list);
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - words.begin());
}

}  // namespace ampgate::config::detail
