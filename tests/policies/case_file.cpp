#include "tests/policies/case_file.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ampgate::policies::test {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

template <typename E, std::size_t N>
E parse_enum(const YAML::Node& n, const char* (&names)[N], const std::string& key) {
  const auto s = n.as<std::string>();
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  fail(key + ": unknown value '" + s + "'");
}

const char* phase_names[] = {"L1", "L2", "L3"};
const char* mode_names[] = {"off", "fast", "eco", "eco_plus", "solar"};
const char* sharing_names[] = {"equal", "priority"};
const char* phase_mode_names[] = {"1", "3", "mixed"};
const char* state_names[] = {"disconnected", "connected", "charging", "fault"};

PerPhase per_phase(const YAML::Node& n, const std::string& key) {
  if (!n.IsSequence() || n.size() != 3) fail(key + ": needs three values [L1, L2, L3]");
  return {n[0].as<double>(), n[1].as<double>(), n[2].as<double>()};
}

template <typename T>
void opt(const YAML::Node& n, const char* key, T& into) {
  if (n[key]) into = n[key].as<T>();
}

template <typename T>
void opt(const YAML::Node& n, const char* key, std::optional<T>& into) {
  if (n[key]) into = n[key].as<T>();
}

void check_keys(const YAML::Node& n, std::initializer_list<const char*> known, const std::string& where) {
  for (const auto& kv : n) {
    const auto k = kv.first.as<std::string>();
    if (std::none_of(known.begin(), known.end(), [&](const char* s) { return k == s; }))
      fail(where + ": unknown key '" + k + "'");
  }
}

// A reading: [a, b, c] (live) or {amps: [..], at: T}.
bool parse_reading(const YAML::Node& n, std::optional<Reading>& into, const std::string& key) {
  if (n.IsSequence()) {
    into = Reading{per_phase(n, key), 0};
    return true;
  }
  check_keys(n, {"amps", "at"}, key);
  into = Reading{per_phase(n["amps"], key + ".amps"), n["at"] ? n["at"].as<double>() : 0};
  return !n["at"];
}

void apply_circuit(const YAML::Node& n, CircuitSnapshot& c, Case& k) {
  const std::string where = "circuit " + c.id;
  check_keys(n, {"id", "parent", "limit", "metered", "reading"}, where);
  opt(n, "parent", c.parent);
  opt(n, "limit", c.limit);
  opt(n, "metered", c.metered);
  if (n["reading"]) {
    c.metered = true;
    const bool live = parse_reading(n["reading"], c.reading, where + ".reading");
    auto& l = k.live_circuits;
    l.erase(std::remove(l.begin(), l.end(), c.id), l.end());
    if (live) l.push_back(c.id);
  }
}

void apply_charger(const YAML::Node& n, ChargerSnapshot& c, Case& k) {
  const std::string where = "charger " + c.id;
  check_keys(n, {"id", "circuit", "phases", "switch", "map", "min", "max", "failsafe", "watchdog",
                 "priority", "mode", "eco_grid_current", "eco_plus_start_surplus", "start", "state",
                 "reading", "last", "reachable", "last_seen", "user_limit", "ev_max"},
             where);
  opt(n, "circuit", c.circuit);
  opt(n, "phases", c.wired_phases);
  opt(n, "switch", c.can_switch_phases);
  if (n["map"]) {
    if (!n["map"].IsSequence() || n["map"].size() != 3) fail(where + ".map: needs three phases");
    for (int i = 0; i < 3; ++i) c.phase_map[i] = parse_enum<Phase>(n["map"][i], phase_names, where + ".map");
  }
  opt(n, "min", c.min_current);
  opt(n, "max", c.max_current);
  opt(n, "failsafe", c.failsafe_current);
  opt(n, "watchdog", c.watchdog_timeout);
  opt(n, "priority", c.priority);
  if (n["mode"]) c.mode = parse_enum<Mode>(n["mode"], mode_names, where + ".mode");
  opt(n, "eco_grid_current", c.mode_settings.eco_grid_current);
  opt(n, "eco_plus_start_surplus", c.mode_settings.eco_plus_start_surplus);
  opt(n, "start", c.session_start);
  if (n["state"]) c.state = parse_enum<CarState>(n["state"], state_names, where + ".state");
  if (n["reading"]) {
    const bool live = parse_reading(n["reading"], c.reading, where + ".reading");
    auto& l = k.live_chargers;
    l.erase(std::remove(l.begin(), l.end(), c.id), l.end());
    if (live) l.push_back(c.id);
  }
  if (n["last"]) {
    const auto& l = n["last"];
    if (l.IsScalar()) {
      c.last_setpoint = Setpoint{l.as<int>(), c.wired_phases, l.as<int>() > 0};
    } else {
      check_keys(l, {"amps", "phases", "run"}, where + ".last");
      c.last_setpoint.amps = l["amps"].as<int>(0);
      c.last_setpoint.phases = l["phases"].as<int>(c.wired_phases);
      c.last_setpoint.run = l["run"].as<bool>(c.last_setpoint.amps > 0);
    }
  }
  opt(n, "reachable", c.reachable);
  opt(n, "last_seen", c.last_seen);
  opt(n, "user_limit", c.user_limit);
  opt(n, "ev_max", c.ev_max);
}

void parse_policy(const YAML::Node& n, PolicySettings& p) {
  check_keys(n, {"sharing", "phase_mode", "safety_margin", "meter_stale_after", "meter_lost_fallback",
                 "solar_stop_delay", "solar_start_delay", "phase_switch_hysteresis",
                 "phase_switch_min_dwell", "max_sum_mains", "max_sum_mains_grace"},
             "policy");
  if (n["sharing"]) p.sharing = parse_enum<Sharing>(n["sharing"], sharing_names, "policy.sharing");
  if (n["phase_mode"]) p.phase_mode = parse_enum<PhaseMode>(n["phase_mode"], phase_mode_names, "policy.phase_mode");
  opt(n, "safety_margin", p.safety_margin);
  opt(n, "meter_stale_after", p.meter_stale_after);
  opt(n, "meter_lost_fallback", p.meter_lost_fallback);
  opt(n, "solar_stop_delay", p.solar_stop_delay);
  opt(n, "solar_start_delay", p.solar_start_delay);
  opt(n, "phase_switch_hysteresis", p.phase_switch_hysteresis);
  opt(n, "phase_switch_min_dwell", p.phase_switch_min_dwell);
  opt(n, "max_sum_mains", p.max_sum_mains);
  opt(n, "max_sum_mains_grace", p.max_sum_mains_grace);
}

Step parse_step(const YAML::Node& n, const std::string& where) {
  Step s;
  s.now = n["now"].as<double>(0);
  if (n["changes"]) s.changes = n["changes"];
  if (n["expect"]) {
    for (const auto& kv : n["expect"]) {
      Expected e;
      const auto& v = kv.second;
      if (v.IsScalar()) {
        e.amps = v.as<int>();
      } else {
        check_keys(v, {"amps", "phases", "reason"}, where + ".expect");
        e.amps = v["amps"].as<int>(0);
        if (v["phases"]) e.phases = v["phases"].as<int>();
        if (v["reason"]) e.reason = v["reason"].as<std::string>();
      }
      s.expect[kv.first.as<std::string>()] = e;
    }
  }
  if (n["order"]) s.order = n["order"].as<std::vector<std::string>>();
  if (n["error"]) s.error = n["error"].as<std::string>();
  return s;
}

}  // namespace

Case load_case(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    check_keys(root, {"description", "policy", "external", "circuits", "chargers", "now", "expect",
                      "order", "error", "steps"},
               "case");
    Case k;
    k.description = root["description"].as<std::string>("");
    if (root["policy"]) parse_policy(root["policy"], k.site.policy);
    if (const auto& e = root["external"]) {
      check_keys(e, {"per_phase", "sum", "until"}, "external");
      ExternalLimit x;
      opt(e, "per_phase", x.per_phase);
      opt(e, "sum", x.sum);
      x.until = e["until"].as<double>(1e18);
      k.site.external = x;
    }
    for (const auto& n : root["circuits"]) {
      CircuitSnapshot c;
      c.id = n["id"].as<std::string>();
      c.parent = c.id == mains_id ? "" : std::string(mains_id);
      apply_circuit(n, c, k);
      k.site.circuits.push_back(c);
    }
    for (const auto& n : root["chargers"]) {
      ChargerSnapshot c;
      c.id = n["id"].as<std::string>();
      c.state = CarState::charging;
      apply_charger(n, c, k);
      k.site.chargers.push_back(c);
    }
    if (root["steps"]) {
      int i = 0;
      for (const auto& s : root["steps"]) k.steps.push_back(parse_step(s, "steps[" + std::to_string(i++) + "]"));
    } else {
      k.steps.push_back(parse_step(root, "case"));
    }
    return k;
  } catch (const YAML::Exception& e) {
    fail(path + ": " + e.what());
  } catch (const std::exception& e) {
    fail(path + ": " + e.what());
  }
}

void prepare_step(Case& k, const Step& step) {
  if (step.changes) {
    for (const auto& n : step.changes["circuits"]) {
      const auto id = n["id"].as<std::string>();
      auto it = std::find_if(k.site.circuits.begin(), k.site.circuits.end(), [&](auto& c) { return c.id == id; });
      if (it == k.site.circuits.end()) fail("changes: unknown circuit " + id);
      apply_circuit(n, *it, k);
    }
    for (const auto& n : step.changes["chargers"]) {
      const auto id = n["id"].as<std::string>();
      auto it = std::find_if(k.site.chargers.begin(), k.site.chargers.end(), [&](auto& c) { return c.id == id; });
      if (it == k.site.chargers.end()) fail("changes: unknown charger " + id);
      apply_charger(n, *it, k);
    }
  }
  for (auto& c : k.site.circuits)
    if (std::find(k.live_circuits.begin(), k.live_circuits.end(), c.id) != k.live_circuits.end()) c.reading->at = step.now;
  for (auto& c : k.site.chargers)
    if (std::find(k.live_chargers.begin(), k.live_chargers.end(), c.id) != k.live_chargers.end()) c.reading->at = step.now;
}

std::string to_yaml(const SiteSnapshot& site, Seconds now) {
  std::ostringstream y;
  auto pp = [&](const PerPhase& a) {
    std::ostringstream s;
    s << "[" << a[0] << ", " << a[1] << ", " << a[2] << "]";
    return s.str();
  };
  const auto& p = site.policy;
  y << "now: " << now << "\npolicy: {sharing: " << to_string(p.sharing) << ", phase_mode: \""
    << to_string(p.phase_mode) << "\", safety_margin: " << p.safety_margin
    << ", meter_stale_after: " << p.meter_stale_after << ", meter_lost_fallback: " << p.meter_lost_fallback;
  if (p.max_sum_mains) y << ", max_sum_mains: " << *p.max_sum_mains << ", max_sum_mains_grace: " << p.max_sum_mains_grace;
  y << "}\n";
  if (site.external) {
    y << "external: {until: " << site.external->until;
    if (site.external->per_phase) y << ", per_phase: " << *site.external->per_phase;
    if (site.external->sum) y << ", sum: " << *site.external->sum;
    y << "}\n";
  }
  y << "circuits:\n";
  for (const auto& c : site.circuits) {
    y << "  - {id: " << c.id << (c.parent.empty() ? "" : ", parent: " + c.parent) << ", limit: " << c.limit;
    if (c.metered) y << ", metered: true";
    if (c.reading) y << ", reading: {amps: " << pp(c.reading->amps) << ", at: " << c.reading->at << "}";
    y << "}\n";
  }
  y << "chargers:\n";
  for (const auto& c : site.chargers) {
    y << "  - {id: " << c.id << ", circuit: " << c.circuit << ", phases: " << c.wired_phases
      << ", switch: " << (c.can_switch_phases ? "true" : "false") << ", map: [" << to_string(c.phase_map[0]) << ", "
      << to_string(c.phase_map[1]) << ", " << to_string(c.phase_map[2]) << "], min: " << c.min_current
      << ", max: " << c.max_current << ", failsafe: " << c.failsafe_current << ", watchdog: " << c.watchdog_timeout
      << ", priority: " << c.priority << ", mode: " << to_string(c.mode) << ", start: " << c.session_start
      << ", state: " << state_names[static_cast<int>(c.state)] << ", last: {amps: " << c.last_setpoint.amps
      << ", phases: " << c.last_setpoint.phases << ", run: " << (c.last_setpoint.run ? "true" : "false") << "}";
    if (c.reading) y << ", reading: {amps: " << pp(c.reading->amps) << ", at: " << c.reading->at << "}";
    if (!c.reachable) y << ", reachable: false, last_seen: " << c.last_seen;
    if (c.user_limit) y << ", user_limit: " << *c.user_limit;
    if (c.ev_max) y << ", ev_max: " << *c.ev_max;
    y << "}\n";
  }
  return y.str();
}

}  // namespace ampgate::policies::test
