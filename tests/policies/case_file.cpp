#include "tests/policies/case_file.h"

#include <algorithm>
#include <span>
#include <string_view>
#include <sstream>
#include <stdexcept>

#include "gateway/config/yaml_source.h"

namespace ampgate::policies::test {
namespace {

namespace yaml = ::ampgate::config::yaml;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// A problem at a node: load_case turns it into "FILE:LINE:COLUMN: key: message".
struct Located : std::runtime_error {
  Located(const YAML::Node& n, std::string key, const std::string& message)
      : std::runtime_error(message), at(yaml::spot(n)), key(std::move(key)) {}
  yaml::Spot at;
  std::string key;
};

template <typename E, std::size_t N>
E parse_enum(const YAML::Node& n, const char* (&names)[N], const std::string& key) {
  const auto s = n.as<std::string>();
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  const std::vector<std::string_view> known(std::begin(names), std::end(names));
  throw Located(n, key, "unknown value '" + s + "'" + yaml::did_you_mean(s, known));
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

void check_keys(const YAML::Node& n, std::initializer_list<std::string_view> known, const std::string& where) {
  const std::span<const std::string_view> keys(known.begin(), known.size());
  for (const auto& kv : n) {
    const auto k = kv.first.as<std::string>();
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) throw Located(kv.first, where, yaml::unknown_key(k, keys));
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

// A setpoint: amps (run when > 0) or {amps, phases, run}.
Setpoint parse_setpoint(const YAML::Node& l, int wired_phases, const std::string& where) {
  if (l.IsScalar()) return Setpoint{l.as<int>(), wired_phases, l.as<int>() > 0};
  check_keys(l, {"amps", "phases", "run"}, where);
  Setpoint s;
  s.amps = l["amps"].as<int>(0);
  s.phases = l["phases"].as<int>(wired_phases);
  s.run = l["run"].as<bool>(s.amps > 0);
  return s;
}

void apply_circuit(const YAML::Node& n, CircuitSnapshot& c, Case& k) {
  const std::string where = "circuit " + c.id;
  check_keys(n, {"id", "parent", "limit", "metered", "reading", "sample_age"}, where);
  opt(n, "parent", c.parent);
  opt(n, "limit", c.limit);
  opt(n, "metered", c.metered);
  opt(n, "sample_age", c.sample_age);
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
                 "reading", "last", "reachable", "last_seen", "user_limit", "ev_max", "watchdog_verified",
                 "setpoint_known", "recent", "previous"},
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
  if (n["previous"]) {
    std::optional<Reading> r;
    parse_reading(n["previous"], r, where + ".previous");
    c.earlier_readings = {*r};
  }
  if (n["last"]) c.last_setpoint = parse_setpoint(n["last"], c.wired_phases, where + ".last");
  if (n["recent"]) {
    // [{from: T, amps: A, phases: P, run: R}, ...] or [[T, A], ...], oldest first; the last
    // one becomes last_setpoint.
    c.recent_setpoints.clear();
    for (const auto& r : n["recent"]) {
      TimedSetpoint t;
      if (r.IsSequence()) {
        if (r.size() != 2) fail(where + ".recent: needs [from, amps]");
        t.from = r[0].as<double>();
        t.setpoint = parse_setpoint(r[1], c.wired_phases, where + ".recent");
      } else {
        t.from = r["from"].as<double>();
        YAML::Node sp;
        for (const char* k : {"amps", "phases", "run"})
          if (r[k]) sp[k] = r[k];
        t.setpoint = parse_setpoint(sp, c.wired_phases, where + ".recent");
      }
      c.recent_setpoints.push_back(t);
    }
    if (!c.recent_setpoints.empty()) c.last_setpoint = c.recent_setpoints.back().setpoint;
  }
  opt(n, "watchdog_verified", c.watchdog_verified);
  opt(n, "setpoint_known", c.setpoint_known);
  opt(n, "reachable", c.reachable);
  opt(n, "last_seen", c.last_seen);
  opt(n, "user_limit", c.user_limit);
  opt(n, "ev_max", c.ev_max);
}

void parse_policy(const YAML::Node& n, PolicySettings& p) {
  check_keys(n, {"sharing", "phase_mode", "safety_margin", "meter_stale_after", "meter_lost_fallback",
                 "solar_stop_delay", "solar_start_delay", "phase_switch_hysteresis",
                 "phase_switch_min_dwell", "max_sum_mains", "max_sum_mains_grace", "car_follow_time"},
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
  opt(n, "car_follow_time", p.car_follow_time);
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
  if (n["household"]) {
    for (const auto& kv : n["household"]) {
      std::optional<PerPhase> h;
      if (!kv.second.IsNull()) h = per_phase(kv.second, where + ".household");
      s.household[kv.first.as<std::string>()] = h;
    }
  }
  if (n["error"]) s.error = n["error"].as<std::string>();
  return s;
}

}  // namespace

Case load_case(const std::string& path) {
  std::string why;
  const auto text = yaml::read_file(path, why);
  if (!text) fail(path + ": cannot read the case file: " + why);
  const auto parsed = yaml::parse(*text);
  if (parsed.error) fail(yaml::format(path, parsed.where, "", *parsed.error));
  try {
    const YAML::Node& root = parsed.root;
    check_keys(root, {"description", "policy", "external", "circuits", "chargers", "now", "expect",
                      "order", "error", "household", "steps"},
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
  } catch (const Located& e) {
    fail(yaml::format(path, e.at, e.key, e.what()));
  } catch (const YAML::Exception& e) {
    fail(yaml::format(path, yaml::spot(e.mark), "", e.msg));
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
    << ", meter_stale_after: " << p.meter_stale_after << ", meter_lost_fallback: " << p.meter_lost_fallback
    << ", solar_start_delay: " << p.solar_start_delay << ", solar_stop_delay: " << p.solar_stop_delay;
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
    if (c.sample_age > 0) y << ", sample_age: " << c.sample_age;
    y << "}\n";
  }
  y << "chargers:\n";
  for (const auto& c : site.chargers) {
    y << "  - {id: " << c.id << ", circuit: " << c.circuit << ", phases: " << c.wired_phases
      << ", switch: " << (c.can_switch_phases ? "true" : "false") << ", map: [" << to_string(c.phase_map[0]) << ", "
      << to_string(c.phase_map[1]) << ", " << to_string(c.phase_map[2]) << "], min: " << c.min_current
      << ", max: " << c.max_current << ", failsafe: " << c.failsafe_current << ", watchdog: " << c.watchdog_timeout
      << ", priority: " << c.priority << ", mode: \"" << to_string(c.mode) << "\", eco_grid_current: "
      << c.mode_settings.eco_grid_current << ", eco_plus_start_surplus: " << c.mode_settings.eco_plus_start_surplus
      << ", start: " << c.session_start
      << ", state: " << state_names[static_cast<int>(c.state)] << ", last: {amps: " << c.last_setpoint.amps
      << ", phases: " << c.last_setpoint.phases << ", run: " << (c.last_setpoint.run ? "true" : "false") << "}";
    if (c.reading) y << ", reading: {amps: " << pp(c.reading->amps) << ", at: " << c.reading->at << "}";
    if (!c.earlier_readings.empty())
      y << ", previous: {amps: " << pp(c.earlier_readings.back().amps) << ", at: " << c.earlier_readings.back().at << "}";
    if (!c.reachable) y << ", reachable: false, last_seen: " << c.last_seen;
    if (!c.watchdog_verified) y << ", watchdog_verified: false";
    if (!c.setpoint_known) y << ", setpoint_known: false";
    if (!c.recent_setpoints.empty()) {
      y << ", recent: [";
      for (std::size_t i = 0; i < c.recent_setpoints.size(); ++i) {
        const auto& r = c.recent_setpoints[i];
        y << (i ? ", " : "") << "{from: " << r.from << ", amps: " << r.setpoint.amps << ", phases: " << r.setpoint.phases
          << ", run: " << (r.setpoint.run ? "true" : "false") << "}";
      }
      y << "]";
    }
    if (c.user_limit) y << ", user_limit: " << *c.user_limit;
    if (c.ev_max) y << ", ev_max: " << *c.ev_max;
    y << "}\n";
  }
  return y.str();
}

}  // namespace ampgate::policies::test
