#include "gateway/config_load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/config/yaml_source.h"
#include "gateway/config_parse.h"

namespace ampgate::config {

std::string Problem::format() const { return yaml::format(where.file, {where.line, where.column}, path, message); }

LoadResult load_site_text(const std::string& yaml_text, const std::string& file_name) {
  using namespace detail;
  Reader r(file_name);
  const Location start{file_name, 1, 1};
  auto parsed = yaml::parse(yaml_text);
  if (parsed.error) {
    r.report({file_name, parsed.where.line, parsed.where.column}, "", *parsed.error);
    return {std::nullopt, std::move(r.problems())};
  }
  const YAML::Node root = parsed.root;
  if (!root.IsDefined() || root.IsNull()) {
    r.report(start, "", "the file is empty; a site needs at least 'site:' and 'chargers:' (see examples/)");
    return {std::nullopt, std::move(r.problems())};
  }

  Parsed p;
  p.site.source = file_name;
  MapReader top(r, root, "", "top", start);
  if (top.ok()) {
    if (!top.has("site")) top.missing("site", "name, phases and mains_fuse describe the grid connection");
    // The site section goes first: other sections take defaults from its phase count.
    parse_site_info(r, top.value("site"), top.where("site"), p);
    parse_buses(r, top.value("buses"), top.where("buses"), p);
    parse_meters(r, top.value("meters"), top.where("meters"), p);
    parse_circuits(r, top.value("circuits"), top.where("circuits"), p);
    parse_chargers(r, top.value("chargers"), top.where("chargers"), p);
    parse_policy(r, top.value("policy"), top.where("policy"), p);
    parse_api(r, top.value("api"), top.where("api"), p);
    parse_mqtt(r, top.value("mqtt"), top.where("mqtt"), p);
    parse_storage(r, top.value("storage"), top.where("storage"), p);
    if (!top.has("chargers")) top.missing("chargers", "a site needs at least one charger to manage");
    validate(r, p);
    validate_safety(r, p);
  }
  if (!r.problems().empty()) {
    // Top to bottom, as the user reads the file; ties keep the order they were found in.
    std::stable_sort(r.problems().begin(), r.problems().end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    return {std::nullopt, std::move(r.problems())};
  }
  return {std::move(p.site), {}, std::move(r.warnings())};
}

LoadResult load_site_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return {std::nullopt, {{{path, 0, 0}, "", "is a directory; give the site file inside it"}}};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return {std::nullopt, {{{path, 0, 0}, "", std::string("cannot read the site file: ") + std::strerror(err)}}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return {std::nullopt, {{{path, 0, 0}, "", "cannot read the site file (is it a directory?)"}}};
  }
  return load_site_text(text.str(), path);
}

}  // namespace ampgate::config
