#pragma once
// Position-aware, typed reading of the YAML tree for the site loader (internal to the
// loader). Every read either yields a value or records a Problem that points at the line
// and column of the offending value, so one pass reports everything that is wrong.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/config/yaml_source.h"
#include "gateway/config_load.h"

namespace ampgate::config::detail {

// Typo fixes come from the shared YAML layer, so site, scenario and case files suggest alike.
using yaml::closest;
using yaml::did_you_mean;
// 16 -> "16", 0.5 -> "0.5": numbers as a user wrote them.
std::string number_text(double v);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }
  Location at(const YAML::Mark& mark) const;

  void report(Location where, std::string path, std::string message);
  std::vector<Problem>& problems() { return problems_; }
  void warn(Location where, std::string path, std::string message) {
    warnings_.push_back({std::move(where), std::move(path), std::move(message)});
  }
  std::vector<Problem>& warnings() { return warnings_; }

  // Where each key path was read from, for the checks that run after parsing.
  void remember(const std::string& path, Location where) { seen_[path] = where; }
  bool saw(const std::string& path) const { return seen_.count(path) != 0; }
  Location where(const std::string& path, Location fallback) const;
  // Whether a problem was already reported at `path` or below it: later checks skip such
  // values instead of piling a second, derived complaint on top.
  bool reported(const std::string& path) const;
  // The value at `path` was read and accepted.
  bool good(const std::string& path) const { return saw(path) && !reported(path); }

 private:
  std::string file_;
  std::vector<Problem> problems_;
  std::vector<Problem> warnings_;
  std::map<std::string, Location> seen_;
};

// One YAML map being read: a section or an entry of a list.
class MapReader {
 public:
  // Reports a problem when `node` is not a map (the reader then has no keys), and every
  // key that `section` of the schema does not list, or that appears twice.
  MapReader(Reader& r, const YAML::Node& node, std::string path, std::string_view section, Location fallback);

  bool ok() const { return ok_; }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  YAML::Node value(std::string_view key) const;
  std::string path(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  const std::string& path() const { return path_; }
  Location where() const { return where_; }
  Location where(std::string_view key) const;  // the value's position, the map's when absent
  std::vector<std::string> keys() const;

  void missing(std::string_view key, std::string_view hint);

  std::optional<std::string> text(std::string_view key, bool required = false);
  // Lower-case letters, digits, '_' and '-': ids appear in API paths and log lines.
  std::optional<std::string> id(std::string_view key, bool required = false);
  std::optional<double> number(std::string_view key, double lo, double hi, std::string_view unit,
                               bool required = false);
  std::optional<long long> integer(std::string_view key, long long lo, long long hi, bool required = false);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::size_t> word(std::string_view key, std::span<const std::string_view> words,
                                  bool required = false);

  template <typename E>
  std::optional<E> choice(std::string_view key, std::initializer_list<std::pair<std::string_view, E>> options,
                          bool required = false) {
    std::vector<std::string_view> words;
    for (const auto& o : options) words.push_back(o.first);
    auto i = word(key, words, required);
    if (!i) return std::nullopt;
    return (options.begin() + *i)->second;
  }

  Reader& reader() { return r_; }

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;
  // The scalar text of `key`, or a problem when it is a list/map/empty.
  std::optional<std::string> scalar(std::string_view key, std::string_view expected, bool required);

  Reader& r_;
  std::string path_;
  Location where_;
  bool ok_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> guessed_;  // suggestions made for unknown keys
};

}  // namespace ampgate::config::detail
