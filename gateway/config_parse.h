#pragma once
// The loader's internal steps (gateway/config_*.cpp): parse each section into the model,
// then check the whole site. Not for use outside the loader.
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/config_reader.h"

namespace ampgate::config::detail {

struct Parsed {
  Site site;
  // Key paths of list entries, parallel to the site's vectors ("chargers[3]"), so the
  // checks after parsing point at the right entry.
  std::vector<std::string> bus_paths, meter_paths, charger_paths, circuit_paths;
};

void parse_site_info(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_buses(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_meters(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_chargers(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_circuits(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_policy(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_api(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_mqtt(Reader& r, const YAML::Node& node, Location at, Parsed& p);
void parse_storage(Reader& r, const YAML::Node& node, Location at, Parsed& p);
// A `registers:` table of a custom meter or generic charger.
std::map<std::string, modbus::RegisterSpec> parse_registers(Reader& r, const YAML::Node& node,
                                                            const std::string& path, std::string_view section,
                                                            Location fallback);

// Cross-checks between sections: ids, references, unit ids, the circuit tree, phases.
void validate(Reader& r, Parsed& p);
// What each charger's driver can do against what the file claims (pause, watchdog, its
// largest current), and the fuse checks that depend on it: failsafe currents per circuit
// and phase, the meter-lost fallback. Runs after validate().
void validate_safety(Reader& r, Parsed& p);

// Calls `each(index, node, path)` for every entry of a list section, reporting a problem
// when the section is not a list.
template <typename Fn>
void for_each_entry(Reader& r, const YAML::Node& node, const std::string& name, Location fallback, Fn each) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    r.report(node.Mark().is_null() ? fallback : r.at(node.Mark()), name,
             "expected a list of entries (each starting with '- id: ...')");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) each(i, node[i], name + "[" + std::to_string(i) + "]");
}

}  // namespace ampgate::config::detail
