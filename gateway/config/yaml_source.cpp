// The shared YAML reading layer (see yaml_source.h).
#include "gateway/config/yaml_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace ampgate::config::yaml {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

Spot spot(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

Spot spot(const YAML::Node& node) { return node.IsDefined() ? spot(node.Mark()) : Spot{}; }

std::string format(std::string_view file, Spot where, std::string_view path, std::string_view message) {
  std::string out(file);
  if (where.line > 0) out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  out += ": ";
  if (!path.empty()) out.append(path).append(": ");
  return out.append(message);
}

Parsed parse(const std::string& text) {
  Parsed p;
  try {
    p.root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    p.error = "YAML syntax error: " + e.msg;
    p.where = spot(e.mark);
  } catch (const YAML::Exception& e) {
    p.error = std::string("YAML error: ") + e.what();
    p.where = {1, 1};
  }
  return p;
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string closest(std::string_view word, std::span<const std::string_view> candidates) {
  std::string best;
  if (word.size() < 3) return best;  // 'X' -> 'N' would be a guess, not a typo fix
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  std::string c = closest(word, candidates);
  return c.empty() ? std::string() : " (did you mean '" + c + "'?)";
}

std::string unknown_key(std::string_view key, std::span<const std::string_view> known) {
  std::string out = "unknown key '" + std::string(key) + "'";
  if (auto fix = did_you_mean(key, known); !fix.empty()) return out + fix;
  std::string list;
  for (auto k : known) list.append(list.empty() ? "" : ", ").append(k);
  return out + " (expected one of: " + list + ")";
}

const char* kind_of(const YAML::Node& n) {
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a map";
  if (n.IsNull()) return "nothing";
  return "a single value";
}

}  // namespace ampgate::config::yaml
