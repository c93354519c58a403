#pragma once
// The one YAML reading layer of the project: the site loader (config_load/config_reader),
// the simulator's scenario (gateway/sim/scenario.cpp) and the test case files
// (tests/policies, tests/site_model) all parse, locate and complain through it, so every
// error reads "FILE:LINE:COLUMN: path: message" and a misspelt key gets its fix.
// Depends on yaml-cpp and the standard library only.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ampgate::config::yaml {

// A position in the text, 1-based; 0 when a node did not come from the text.
struct Spot {
  int line = 0;
  int column = 0;
};
Spot spot(const YAML::Mark& mark);
Spot spot(const YAML::Node& node);

// "FILE:LINE:COLUMN: path: message" (no position when line is 0, no path when empty).
std::string format(std::string_view file, Spot where, std::string_view path, std::string_view message);

struct Parsed {
  YAML::Node root;                    // null for an empty text
  std::optional<std::string> error;   // "YAML syntax error: ..." when the text is not YAML
  Spot where;                         // of the error
};
Parsed parse(const std::string& text);

// The whole file, or nothing with `error` set to the system's reason.
std::optional<std::string> read_file(const std::string& path, std::string& error);

// The closest candidate to `word` by edit distance, or "" when none is close enough to be
// a plausible typo; did_you_mean wraps it as " (did you mean 'x'?)" or "".
std::string closest(std::string_view word, std::span<const std::string_view> candidates);
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// "unknown key 'x' (did you mean 'y'?)", or with the known keys listed when no key is close.
std::string unknown_key(std::string_view key, std::span<const std::string_view> known);

// "a list", "a map", "nothing" or "a single value": what a node is, for "expected X, got Y".
const char* kind_of(const YAML::Node& node);

}  // namespace ampgate::config::yaml
