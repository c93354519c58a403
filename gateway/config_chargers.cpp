// Chargers and circuits of the site file.
#include <algorithm>

#include "gateway/config_models.h"
#include "gateway/config_parse.h"

namespace ampgate::config::detail {

namespace {

// Chargers draw at least 6 A (IEC 61851); 80 A is the top of the AC range.
constexpr double min_charge_current = 6.0;
constexpr double max_charge_current = 80.0;

std::string map_text(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

void parse_phase_map(Reader& r, MapReader& m, Charger& c) {
  if (!m.has("phase_map")) return;
  const YAML::Node node = m.value("phase_map");
  const Location at = m.where("phase_map");
  const std::string path = m.path("phase_map");
  if (!node.IsSequence()) {
    r.report(at, path, "expected a list of site phases, e.g. [L2, L3, L1]");
    return;
  }
  std::vector<Phase> phases;
  std::vector<std::string> names;
  bool readable = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string word = node[i].IsScalar() ? node[i].Scalar() : "(a list or map)";
    names.push_back(word);
    if (word == "L1") phases.push_back(Phase::L1);
    else if (word == "L2") phases.push_back(Phase::L2);
    else if (word == "L3") phases.push_back(Phase::L3);
    else {
      r.report(r.at(node[i].Mark()), path + "[" + std::to_string(i) + "]", "'" + word + "' is not a phase; use L1, L2 or L3");
      readable = false;
    }
  }
  if (!readable) return;
  if (phases.size() == 1 && c.phases == 1) {
    // A 1-phase charger needs only the phase its L1 lands on; the rest follows the rotation.
    int first = static_cast<int>(phases[0]);
    for (int i = 0; i < 3; ++i) c.phase_map[static_cast<std::size_t>(i)] = static_cast<Phase>((first + i) % 3);
    return;
  }
  if (phases.size() != 3) {
    r.report(at, path, "expected the site phase of each of the charger's L1, L2, L3, e.g. [L2, L3, L1]; got " +
                           std::to_string(phases.size()) + (phases.size() == 1 ? " phase" : " phases"));
    return;
  }
  std::string missing;
  for (Phase ph : {Phase::L1, Phase::L2, Phase::L3}) {
    if (std::find(phases.begin(), phases.end(), ph) == phases.end()) missing += (missing.empty() ? "" : ", ") + std::string(to_string(ph));
  }
  if (!missing.empty()) {
    r.report(at, path, map_text(names) + " is not a permutation of L1, L2, L3: each site phase must appear once (" +
                           missing + " is missing)");
    return;
  }
  std::copy(phases.begin(), phases.end(), c.phase_map.begin());
}

std::vector<std::string_view> charger_model_names() {
  std::vector<std::string_view> names;
  for (const auto& m : charger_models()) names.push_back(m.name);
  return names;
}

}  // namespace

void parse_chargers(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  const auto model_names = charger_model_names();
  for_each_entry(r, node, "chargers", at, [&](std::size_t, const YAML::Node& n, const std::string& path) {
    MapReader m(r, n, path, "chargers[]", at);
    if (!m.ok()) return;
    Charger c;
    c.where = m.where();
    if (auto v = m.id("id", true)) c.id = *v;
    const ModelInfo* model = nullptr;
    if (auto i = m.word("model", model_names, true)) {
      model = &charger_models()[*i];
      c.model = std::string(model->name);
    }
    if (auto v = m.id("bus", true)) c.bus = *v;
    if (auto v = m.integer("unit", 0, 255)) {
      c.unit = static_cast<std::uint8_t>(*v);
    } else if (!m.has("unit") && model) {
      if (model->default_unit) c.unit = static_cast<std::uint8_t>(model->default_unit);
      else m.missing("unit", "the charger's Modbus address (1–247)");
    }
    if (auto v = m.id("circuit")) c.circuit = *v;
    c.phases = p.site.site.phases;
    if (auto v = m.choice<int>("phases", {{"1", 1}, {"3", 3}})) c.phases = *v;
    parse_phase_map(r, m, c);

    const double lo = min_charge_current, hi = max_charge_current;
    if (auto v = m.number("min_current", lo, hi, "A")) c.min_current = *v;
    if (auto v = m.number("max_current", lo, hi, "A", true)) c.max_current = *v;
    if (m.has("min_current") && m.has("max_current") && c.min_current > c.max_current) {
      r.report(m.where("min_current"), m.path("min_current"),
               number_text(c.min_current) + " A is above max_current " + number_text(c.max_current) + " A");
    }
    if (auto v = m.integer("priority", 0, 1000)) c.priority = static_cast<int>(*v);
    if (auto v = m.number("failsafe_current", 0, hi, "A")) {
      if (*v > 0 && *v < lo) {
        r.report(m.where("failsafe_current"), m.path("failsafe_current"),
                 number_text(*v) + " A cannot charge: use 0 (stop when the gateway is silent) or 6–80 A");
      } else if (*v > c.max_current) {
        r.report(m.where("failsafe_current"), m.path("failsafe_current"),
                 number_text(*v) + " A is above max_current " + number_text(c.max_current) + " A");
      } else {
        c.failsafe_current = *v;
      }
    }
    if (auto v = m.number("watchdog_timeout", 1, 3600, "s")) c.watchdog_timeout = *v;
    if (auto v = m.choice<Mode>("mode", {{"off", Mode::off}, {"fast", Mode::fast}, {"eco", Mode::eco},
                                         {"eco_plus", Mode::eco_plus}, {"solar", Mode::solar}}))
      c.mode = *v;
    if (m.has("mode_settings")) {
      MapReader s(r, m.value("mode_settings"), m.path("mode_settings"), "chargers[].mode_settings",
                  m.where("mode_settings"));
      if (s.ok()) {
        if (auto v = s.number("eco_grid_current", lo, hi, "A")) c.mode_settings.eco_grid_current = *v;
        if (auto v = s.number("eco_plus_start_surplus", 0, hi, "A")) c.mode_settings.eco_plus_start_surplus = *v;
      }
    }
    if (model && model->needs_registers) {
      if (!m.has("registers")) {
        m.missing("registers", "a generic charger needs a register table (current_setpoint, ...)");
      } else {
        c.generic = parse_registers(r, m.value("registers"), m.path("registers"), "chargers[].registers",
                                    m.where("registers"));
        auto sp = c.generic->find("current_setpoint");
        if (!m.value("registers").IsMap()) {
          // not a table at all: reported already
        } else if (sp == c.generic->end()) {
          r.report(m.where("registers"), m.path("registers"),
                   "missing register 'current_setpoint': the gateway must be able to command the current");
        } else if (sp->second.function != modbus::Function::read_holding) {
          r.report(r.where(m.path("registers") + ".current_setpoint.function", m.where("registers")),
                   m.path("registers") + ".current_setpoint.function",
                   "the setpoint is written, so it must be a 'holding' register");
        }
      }
    } else if (model && m.has("registers")) {
      r.report(m.where("registers"), m.path("registers"),
               "'registers' is only for model 'generic'; a " + c.model + " has a built-in table");
    }
    if (auto v = m.boolean("pause_with_zero")) {
      if (model && !model->needs_registers) {
        r.report(m.where("pause_with_zero"), m.path("pause_with_zero"),
                 "'pause_with_zero' is only for model 'generic'; a " + c.model + " knows how it pauses");
      } else {
        c.pause_with_zero = *v;
      }
    }
    p.site.chargers.push_back(std::move(c));
    p.charger_paths.push_back(path);
  });
}

void parse_circuits(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  for_each_entry(r, node, "circuits", at, [&](std::size_t, const YAML::Node& n, const std::string& path) {
    MapReader m(r, n, path, "circuits[]", at);
    if (!m.ok()) return;
    Circuit c;
    c.where = m.where();
    if (auto v = m.id("id", true)) {
      if (*v == mains_circuit_id) {
        r.report(m.where("id"), m.path("id"),
                 "'mains' is the implicit root circuit (site.mains_fuse); give this circuit another id");
      } else {
        c.id = *v;
      }
    }
    if (auto v = m.id("parent")) c.parent = *v;
    if (auto v = m.number("limit", 1, 2000, "A", true)) c.limit = *v;
    if (auto v = m.id("meter")) c.meter = *v;
    p.site.circuits.push_back(std::move(c));
    p.circuit_paths.push_back(path);
  });
}

}  // namespace ampgate::config::detail
