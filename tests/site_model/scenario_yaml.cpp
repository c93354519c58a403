// Scenario <-> YAML. Times are seconds in the file and ticks (0.1 s) inside.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gateway/config/yaml_source.h"
#include "tests/site_model/scenario.h"

namespace ampgate::site_model {
namespace {

using policies::Mode;

constexpr std::array<const char*, 15> event_names{
    "household", "plug", "unplug", "car_want", "reboot", "charger_silent", "meter_silent", "meter_nan",
    "write", "fault", "mode", "external", "restart", "reload", "stop"};
constexpr std::array<const char*, 4> outcome_names{"ok", "ignored", "failed_applied", "failed"};
constexpr std::array<const char*, 5> mode_names{"off", "fast", "eco", "eco_plus", "solar"};

template <std::size_t N>
int pick(const std::array<const char*, N>& names, const std::string& v, const std::string& what) {
  for (std::size_t i = 0; i < N; ++i)
    if (v == names[i]) return static_cast<int>(i);
  throw std::runtime_error(what + ": unknown value '" + v + "'");
}

Tick ticks(const YAML::Node& n) { return std::llround(n.as<double>() / tick_s); }
double secs(Tick t) { return seconds(t); }

template <class T>
T get(const YAML::Node& n, const char* key, T fallback) {
  return n[key] ? n[key].as<T>() : fallback;
}

Amps3 amps3(const YAML::Node& n) {
  if (!n.IsSequence() || n.size() != 3) throw std::runtime_error("expected a list of three amps");
  return {n[0].as<double>(), n[1].as<double>(), n[2].as<double>()};
}

CircuitSpec circuit(const YAML::Node& n) {
  CircuitSpec c;
  c.id = n["id"].as<std::string>();
  c.parent = get<std::string>(n, "parent", "");
  c.limit = get(n, "limit", c.limit);
  c.metered = get(n, "metered", false);
  if (n["refresh"]) c.meter.refresh = ticks(n["refresh"]);
  if (n["offset"]) c.meter.offset = ticks(n["offset"]);
  if (n["read_skew"]) c.meter.read_skew = ticks(n["read_skew"]);
  if (n["household"]) c.household = amps3(n["household"]);
  return c;
}

ChargerSpec charger(const YAML::Node& n) {
  ChargerSpec c;
  c.id = n["id"].as<std::string>();
  c.circuit = get<std::string>(n, "circuit", c.circuit);
  c.wired_phases = get(n, "phases", c.wired_phases);
  if (n["map"])
    for (int i = 0; i < 3; ++i) {
      const auto p = n["map"][i].as<std::string>();
      if (p.size() != 2 || p[0] != 'L' || p[1] < '1' || p[1] > '3') throw std::runtime_error("map: " + p);
      c.phase_map[i] = p[1] - '1';
    }
  c.min = get(n, "min", c.min);
  c.max = get(n, "max", c.max);
  c.hw_max = get(n, "hw_max", c.hw_max);
  c.failsafe = get(n, "failsafe", c.failsafe);
  c.watchdog_timeout = get(n, "watchdog", c.watchdog_timeout);
  c.has_watchdog = get(n, "has_watchdog", c.has_watchdog);
  c.can_switch_phases = get(n, "switch", c.can_switch_phases);
  c.can_pause = get(n, "can_pause", c.can_pause);
  c.offer_readback = get(n, "readback", c.offer_readback);
  c.power_on = get(n, "power_on", c.power_on);
  if (n["read_skew"]) c.read_skew = ticks(n["read_skew"]);
  c.priority = get(n, "priority", c.priority);
  if (n["mode"]) c.mode = static_cast<Mode>(pick(mode_names, n["mode"].as<std::string>(), "mode"));
  if (const auto car = n["car"]) {
    c.car.plugged = get(car, "plugged", c.car.plugged);
    c.car.phases = get(car, "phases", c.car.phases);
    c.car.max = get(car, "max", c.car.max);
    c.car.want = get(car, "want", c.car.want);
    if (car["lag_down"]) c.car.lag_down = ticks(car["lag_down"]);
    if (car["lag_up"]) c.car.lag_up = ticks(car["lag_up"]);
  }
  return c;
}

Event event(const YAML::Node& n) {
  Event e;
  e.at = ticks(n["at"]);
  e.kind = static_cast<EventKind>(pick(event_names, n["kind"].as<std::string>(), "kind"));
  e.target = get<std::string>(n, "target", "");
  if (n["amps"]) e.amps = amps3(n["amps"]);
  e.value = get(n, "value", 0.0);
  if (n["duration"]) e.duration = ticks(n["duration"]);
  if (n["outcome"]) e.outcome = static_cast<World::WriteOutcome>(pick(outcome_names, n["outcome"].as<std::string>(), "outcome"));
  e.draws = get(n, "draws", false);
  if (n["mode"]) e.mode = static_cast<Mode>(pick(mode_names, n["mode"].as<std::string>(), "mode"));
  if (n["per_phase"]) e.per_phase = n["per_phase"].as<double>();
  if (n["sum"]) e.sum = n["sum"].as<double>();
  return e;
}

void policy(const YAML::Node& n, policies::PolicySettings& p) {
  if (!n) return;
  if (n["sharing"]) p.sharing = n["sharing"].as<std::string>() == "priority" ? policies::Sharing::priority : policies::Sharing::equal;
  if (n["phase_mode"]) {
    const auto m = n["phase_mode"].as<std::string>();
    p.phase_mode = m == "1" ? policies::PhaseMode::one : m == "mixed" ? policies::PhaseMode::mixed : policies::PhaseMode::three;
  }
  p.safety_margin = get(n, "safety_margin", p.safety_margin);
  p.meter_stale_after = get(n, "meter_stale_after", p.meter_stale_after);
  p.meter_lost_fallback = get(n, "meter_lost_fallback", p.meter_lost_fallback);
  if (n["max_sum_mains"]) p.max_sum_mains = n["max_sum_mains"].as<double>();
  p.max_sum_mains_grace = get(n, "max_sum_mains_grace", p.max_sum_mains_grace);
  p.car_follow_time = get(n, "car_follow_time", p.car_follow_time);
  p.solar_start_delay = get(n, "solar_start_delay", p.solar_start_delay);
  p.solar_stop_delay = get(n, "solar_stop_delay", p.solar_stop_delay);
  p.phase_switch_min_dwell = get(n, "phase_switch_min_dwell", p.phase_switch_min_dwell);
  p.phase_switch_hysteresis = get(n, "phase_switch_hysteresis", p.phase_switch_hysteresis);
}

}  // namespace

const char* to_string(EventKind k) { return event_names[static_cast<int>(k)]; }

std::optional<EventKind> event_kind(const std::string& name) {
  for (std::size_t i = 0; i < event_names.size(); ++i)
    if (name == event_names[i]) return static_cast<EventKind>(i);
  return std::nullopt;
}

Scenario parse_scenario(const std::string& text, const std::string& name) {
  const auto parsed = config::yaml::parse(text);
  if (parsed.error) throw std::runtime_error(config::yaml::format(name, parsed.where, "", *parsed.error));
  try {
    const YAML::Node& root = parsed.root;
    Scenario s;
    s.seed = get<std::uint64_t>(root, "seed", 0);
    s.description = get<std::string>(root, "description", "");
    if (root["duration"]) s.duration = ticks(root["duration"]);
    if (root["period"]) s.period = ticks(root["period"]);
    if (root["decide_at"]) s.decide_at = ticks(root["decide_at"]);
    policy(root["policy"], s.policy);
    for (const auto& c : root["circuits"]) s.circuits.push_back(circuit(c));
    for (const auto& c : root["chargers"]) s.chargers.push_back(charger(c));
    for (const auto& e : root["events"]) s.events.push_back(event(e));
    if (s.period <= 0 || s.decide_at < 0 || s.decide_at >= s.period) throw std::runtime_error("period/decide_at");
    return s;
  } catch (const YAML::Exception& e) {  // a value of the wrong kind: its line and column
    throw std::runtime_error(config::yaml::format(name, config::yaml::spot(e.mark), "", e.msg));
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
}

Scenario load_scenario(const std::string& path) {
  std::string why;
  const auto text = config::yaml::read_file(path, why);
  if (!text) throw std::runtime_error(path + ": cannot open: " + why);
  return parse_scenario(*text, path);
}

std::string to_yaml(const Scenario& s) {
  YAML::Emitter y;
  auto list3 = [&](const Amps3& a) { y << YAML::Flow << YAML::BeginSeq << a[0] << a[1] << a[2] << YAML::EndSeq; };
  y << YAML::BeginMap << YAML::Key << "description" << YAML::Value << s.description;
  y << YAML::Key << "seed" << YAML::Value << s.seed << YAML::Key << "duration" << YAML::Value << secs(s.duration);
  y << YAML::Key << "period" << YAML::Value << secs(s.period) << YAML::Key << "decide_at" << YAML::Value << secs(s.decide_at);
  const auto& p = s.policy;
  y << YAML::Key << "policy" << YAML::Value << YAML::Flow << YAML::BeginMap
    << YAML::Key << "sharing" << YAML::Value << policies::to_string(p.sharing)
    << YAML::Key << "phase_mode" << YAML::Value << YAML::DoubleQuoted << policies::to_string(p.phase_mode)
    << YAML::Key << "safety_margin" << YAML::Value << p.safety_margin
    << YAML::Key << "meter_stale_after" << YAML::Value << p.meter_stale_after
    << YAML::Key << "meter_lost_fallback" << YAML::Value << p.meter_lost_fallback;
  if (p.max_sum_mains) y << YAML::Key << "max_sum_mains" << YAML::Value << *p.max_sum_mains;
  y << YAML::Key << "max_sum_mains_grace" << YAML::Value << p.max_sum_mains_grace
    << YAML::Key << "car_follow_time" << YAML::Value << p.car_follow_time
    << YAML::Key << "solar_start_delay" << YAML::Value << p.solar_start_delay
    << YAML::Key << "solar_stop_delay" << YAML::Value << p.solar_stop_delay
    << YAML::Key << "phase_switch_min_dwell" << YAML::Value << p.phase_switch_min_dwell
    << YAML::Key << "phase_switch_hysteresis" << YAML::Value << p.phase_switch_hysteresis << YAML::EndMap;
  y << YAML::Key << "circuits" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : s.circuits) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << c.id;
    if (!c.parent.empty()) y << YAML::Key << "parent" << YAML::Value << c.parent;
    y << YAML::Key << "limit" << YAML::Value << c.limit << YAML::Key << "metered" << YAML::Value << c.metered;
    if (c.metered)
      y << YAML::Key << "refresh" << YAML::Value << secs(c.meter.refresh) << YAML::Key << "offset" << YAML::Value
        << secs(c.meter.offset) << YAML::Key << "read_skew" << YAML::Value << secs(c.meter.read_skew);
    y << YAML::Key << "household" << YAML::Value;
    list3(c.household);
    y << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::Key << "chargers" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : s.chargers) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << c.id << YAML::Key << "circuit"
      << YAML::Value << c.circuit << YAML::Key << "phases" << YAML::Value << c.wired_phases << YAML::Key << "map"
      << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int i = 0; i < 3; ++i) y << ("L" + std::to_string(c.phase_map[i] + 1));
    y << YAML::EndSeq << YAML::Key << "min" << YAML::Value << c.min << YAML::Key << "max" << YAML::Value << c.max
      << YAML::Key << "hw_max" << YAML::Value << c.hw_max << YAML::Key << "failsafe" << YAML::Value << c.failsafe
      << YAML::Key << "watchdog" << YAML::Value << c.watchdog_timeout << YAML::Key << "has_watchdog" << YAML::Value
      << c.has_watchdog << YAML::Key << "switch" << YAML::Value << c.can_switch_phases << YAML::Key << "can_pause"
      << YAML::Value << c.can_pause << YAML::Key << "readback" << YAML::Value << c.offer_readback << YAML::Key
      << "power_on" << YAML::Value << c.power_on << YAML::Key << "read_skew" << YAML::Value << secs(c.read_skew)
      << YAML::Key << "priority" << YAML::Value << c.priority << YAML::Key << "mode" << YAML::Value
      << mode_names[static_cast<int>(c.mode)] << YAML::Key << "car" << YAML::Value << YAML::Flow << YAML::BeginMap
      << YAML::Key << "plugged" << YAML::Value << c.car.plugged << YAML::Key << "phases" << YAML::Value << c.car.phases
      << YAML::Key << "max" << YAML::Value << c.car.max << YAML::Key << "want" << YAML::Value << c.car.want
      << YAML::Key << "lag_down" << YAML::Value << secs(c.car.lag_down) << YAML::Key << "lag_up" << YAML::Value
      << secs(c.car.lag_up) << YAML::EndMap << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : s.events) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "at" << YAML::Value << secs(e.at) << YAML::Key << "kind"
      << YAML::Value << to_string(e.kind);
    if (!e.target.empty()) y << YAML::Key << "target" << YAML::Value << e.target;
    if (e.kind == EventKind::household) {
      y << YAML::Key << "amps" << YAML::Value;
      list3(e.amps);
    }
    if (e.value != 0) y << YAML::Key << "value" << YAML::Value << e.value;
    if (e.duration != 0) y << YAML::Key << "duration" << YAML::Value << secs(e.duration);
    if (e.kind == EventKind::write) y << YAML::Key << "outcome" << YAML::Value << outcome_names[static_cast<int>(e.outcome)];
    if (e.draws) y << YAML::Key << "draws" << YAML::Value << true;
    if (e.kind == EventKind::mode) y << YAML::Key << "mode" << YAML::Value << mode_names[static_cast<int>(e.mode)];
    if (e.per_phase) y << YAML::Key << "per_phase" << YAML::Value << *e.per_phase;
    if (e.sum) y << YAML::Key << "sum" << YAML::Value << *e.sum;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace ampgate::site_model
