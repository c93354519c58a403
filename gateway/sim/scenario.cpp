#include "gateway/sim/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <span>
#include <string_view>

#include "gateway/config/yaml_source.h"

namespace ampgate::sim {

const char* to_string(FaultKind k) {
  switch (k) {
    case FaultKind::silent: return "silent";
    case FaultKind::bad_crc: return "bad_crc";
    case FaultKind::slow: return "slow";
    case FaultKind::exception: return "exception";
    case FaultKind::reboot: return "reboot";
    case FaultKind::ignore_writes: return "ignore_writes";
    case FaultKind::fail_writes: return "fail_writes";
  }
  return "?";
}

std::string ScenarioProblem::format() const {
  return config::yaml::format(file.empty() ? "<scenario>" : file, {line, column}, path, message);
}

std::array<double, 3> Profile::at(double time) const {
  if (points.empty()) return {0, 0, 0};
  if (time <= points.front().time) return points.front().amps;
  if (time >= points.back().time) return points.back().amps;
  auto next = std::upper_bound(points.begin(), points.end(), time,
                               [](double t, const ProfilePoint& p) { return t < p.time; });
  const auto& b = *next;
  const auto& a = *(next - 1);
  if (interpolation == Interpolation::step || b.time <= a.time) return a.amps;
  const double f = (time - a.time) / (b.time - a.time);
  std::array<double, 3> out{};
  for (std::size_t p = 0; p < 3; ++p) out[p] = a.amps[p] + f * (b.amps[p] - a.amps[p]);
  return out;
}

std::optional<double> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text.substr(i), &used);
    } catch (...) {
      return std::nullopt;
    }
    if (used == 0 || value < 0 || !std::isfinite(value)) return std::nullopt;
    i += used;
    double unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        default: return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1h30" is ambiguous
    }
    total += value * unit;
    any = true;
  }
  return total;
}

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  std::vector<ScenarioProblem> problems;

  void problem(const YAML::Node& at, const std::string& path, const std::string& message) {
    const auto where = config::yaml::spot(at);
    problems.push_back({file_, where.line, where.column, path, message});
  }

  void keys(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) {
    if (!map.IsMap()) {
      problem(map, path, "must be a mapping");
      return;
    }
    const std::span<const std::string_view> known(allowed.begin(), allowed.size());
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end())
        problem(kv.first, join(path, key), config::yaml::unknown_key(key, known));
    }
  }

  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

  std::optional<double> number(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) {
      problem(n, path, "must be a number");
      return std::nullopt;
    }
    try {
      double v = n.as<double>();
      if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
    problem(n, path, "'" + n.Scalar() + "' is not a number");
    return std::nullopt;
  }

  // A duration: a number of seconds or a string like "15m", "2h", "1h30m".
  std::optional<double> duration(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) {
      problem(n, path, "must be a duration (seconds, or e.g. 90s, 15m, 2h)");
      return std::nullopt;
    }
    if (auto d = parse_duration(n.Scalar())) return d;
    problem(n, path, "'" + n.Scalar() + "' is not a duration (seconds, or e.g. 90s, 15m, 2h)");
    return std::nullopt;
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& path) {
    try {
      if (n.IsScalar()) return n.as<bool>();
    } catch (const YAML::Exception&) {
    }
    problem(n, path, "must be true or false");
    return std::nullopt;
  }

  void read_profile(const YAML::Node& n, const std::string& path, Profile& out) {
    keys(n, path, {"interpolation", "profile"});
    if (!n.IsMap()) return;
    if (auto i = n["interpolation"]) {
      const auto s = i.IsScalar() ? i.Scalar() : "";
      if (s == "linear") out.interpolation = Interpolation::linear;
      else if (s == "step") out.interpolation = Interpolation::step;
      else problem(i, path + ".interpolation", "must be linear or step");
    }
    const auto list = n["profile"];
    if (!list) return;
    if (!list.IsSequence()) {
      problem(list, path + ".profile", "must be a list of {time, L1, L2, L3}");
      return;
    }
    for (std::size_t k = 0; k < list.size(); ++k) {
      const auto p = list[k];
      const std::string at = path + ".profile[" + std::to_string(k) + "]";
      keys(p, at, {"time", "L1", "L2", "L3"});
      if (!p.IsMap()) continue;
      ProfilePoint point;
      if (!p["time"]) problem(p, at, "needs a time");
      else if (auto t = duration(p["time"], at + ".time")) point.time = *t;
      const char* names[3] = {"L1", "L2", "L3"};
      for (std::size_t ph = 0; ph < 3; ++ph)
        if (auto v = p[names[ph]])
          if (auto a = number(v, at + "." + names[ph])) point.amps[ph] = *a;
      if (!out.points.empty() && point.time < out.points.back().time)
        problem(p["time"] ? p["time"] : p, at + ".time", "times must not go backwards");
      out.points.push_back(point);
    }
  }

  void read_ev(const YAML::Node& n, const std::string& at, Ev& ev) {
    keys(n, at, {"charger", "plug_in", "plug_out", "phases", "max_current", "energy_wanted", "lag", "ramp"});
    if (!n.IsMap()) return;
    if (n["charger"] && n["charger"].IsScalar()) ev.charger = n["charger"].Scalar();
    else problem(n, at + ".charger", "needs the id of a charger in the site");
    if (auto v = n["plug_in"]) if (auto d = duration(v, at + ".plug_in")) ev.plug_in = *d;
    if (auto v = n["plug_out"]) {
      if (auto d = duration(v, at + ".plug_out")) {
        if (*d <= ev.plug_in) problem(v, at + ".plug_out", "must be after plug_in");
        ev.plug_out = *d;
      }
    }
    if (auto v = n["phases"]) {
      if (auto p = number(v, at + ".phases")) {
        if (*p != 1 && *p != 3) problem(v, at + ".phases", "must be 1 or 3");
        ev.phases = static_cast<int>(*p);
      }
    }
    if (auto v = n["max_current"]) {
      if (auto a = number(v, at + ".max_current")) {
        if (*a < 6 || *a > 80) problem(v, at + ".max_current", "must be between 6 and 80 A");
        ev.max_current = *a;
      }
    }
    if (auto v = n["energy_wanted"]) {
      if (auto e = number(v, at + ".energy_wanted")) {
        if (*e < 0) problem(v, at + ".energy_wanted", "must not be negative");
        ev.energy_wanted = *e;
      }
    }
    if (auto v = n["lag"]) ev.lag = lag(v, at + ".lag");
    if (auto v = n["ramp"]) ev.ramp = ramp(v, at + ".ramp");
  }

  double lag(const YAML::Node& v, const std::string& at) {
    auto d = duration(v, at);
    if (d && *d > max_car_lag) problem(v, at, "must be at most 5 s (a car has 5 s to follow)");
    return d ? std::min(*d, max_car_lag) : 0.0;
  }
  double ramp(const YAML::Node& v, const std::string& at) {
    auto r = number(v, at);
    if (r && (*r < 0 || *r > 1000)) problem(v, at, "must be between 0 (at once) and 1000 A/s");
    return r ? std::clamp(*r, 0.0, 1000.0) : 0.0;
  }

  // {id: value} maps: meter_refresh (seconds) and settings ({id: {key: value}}).
  void read_meter_refresh(const YAML::Node& n, Scenario& s) {
    if (!n.IsMap()) return problem(n, "meter_refresh", "must map meter ids to seconds");
    for (const auto& kv : n) {
      const std::string at = "meter_refresh." + kv.first.as<std::string>();
      if (auto d = duration(kv.second, at)) {
        if (*d < 0.05 || *d > 60) problem(kv.second, at, "must be between 0.05 and 60 s");
        s.meter_refresh[kv.first.as<std::string>()] = *d;
      }
    }
  }
  void read_settings(const YAML::Node& n, Scenario& s) {
    if (!n.IsMap()) return problem(n, "settings", "must map device ids to {setting: value}");
    for (const auto& dev : n) {
      const auto id = dev.first.as<std::string>();
      if (!dev.second.IsMap()) {
        problem(dev.second, "settings." + id, "must map settings to values");
        continue;
      }
      for (const auto& kv : dev.second) {
        if (!kv.second.IsScalar()) {
          problem(kv.second, "settings." + id + "." + kv.first.as<std::string>(), "must be a single value");
          continue;
        }
        s.settings[id][kv.first.as<std::string>()] = kv.second.Scalar();
      }
    }
  }

  void read_fault(const YAML::Node& n, const std::string& at, Fault& f) {
    keys(n, at, {"device", "kind", "from", "to", "probability", "delay_ms", "code"});
    if (!n.IsMap()) return;
    if (n["device"] && n["device"].IsScalar()) f.device = n["device"].Scalar();
    else problem(n, at + ".device", "needs the id of a charger or meter in the site");
    const auto kind = n["kind"];
    const std::string k = kind && kind.IsScalar() ? kind.Scalar() : "";
    if (k == "silent") f.kind = FaultKind::silent;
    else if (k == "bad_crc") f.kind = FaultKind::bad_crc;
    else if (k == "slow") f.kind = FaultKind::slow;
    else if (k == "exception") f.kind = FaultKind::exception;
    else if (k == "reboot") f.kind = FaultKind::reboot;
    else if (k == "ignore_writes") f.kind = FaultKind::ignore_writes;
    else if (k == "fail_writes") f.kind = FaultKind::fail_writes;
    else problem(kind ? kind : n, at + ".kind", "must be silent, bad_crc, slow, exception, reboot, ignore_writes or fail_writes");
    if (auto v = n["from"]) if (auto d = duration(v, at + ".from")) f.from = *d;
    // A reboot is a moment; `to` only adds a silent boot time after it.
    if (f.kind == FaultKind::reboot) f.to = f.from;
    if (auto v = n["to"]) {
      if (auto d = duration(v, at + ".to")) {
        if (*d <= f.from) problem(v, at + ".to", "must be after from");
        f.to = *d;
      }
    }
    if (auto v = n["probability"]) {
      if (auto p = number(v, at + ".probability")) {
        if (*p < 0 || *p > 1) problem(v, at + ".probability", "must be between 0 and 1");
        f.probability = *p;
      }
    }
    if (auto v = n["delay_ms"]) {
      if (auto d = number(v, at + ".delay_ms")) {
        if (*d < 0 || *d > 60000) problem(v, at + ".delay_ms", "must be between 0 and 60000");
        f.delay_ms = static_cast<int>(*d);
      }
    } else if (f.kind == FaultKind::slow) {
      problem(n, at + ".delay_ms", "a slow fault needs delay_ms");
    }
    if (auto v = n["code"]) {
      if (auto c = number(v, at + ".code")) {
        if (*c < 1 || *c > 255) problem(v, at + ".code", "must be a Modbus exception code 1..255");
        f.code = static_cast<int>(*c);
      }
    }
  }

  void read_presets(const YAML::Node& n, Scenario& s) {
    if (!n.IsMap()) {
      problem(n, "presets", "must map device ids to {address: value}");
      return;
    }
    for (const auto& dev : n) {
      const auto id = dev.first.as<std::string>();
      const std::string at = "presets." + id;
      if (!dev.second.IsMap()) {
        problem(dev.second, at, "must map register addresses to values");
        continue;
      }
      for (const auto& kv : dev.second) {
        const auto a = number(kv.first, at);
        const auto v = number(kv.second, at + "." + kv.first.Scalar());
        if (!a || !v) continue;
        if (*a < 0 || *a > 65535 || *a != std::floor(*a)) problem(kv.first, at, "register address must be 0..65535");
        else if (*v < 0 || *v > 65535 || *v != std::floor(*v)) problem(kv.second, at + "." + kv.first.Scalar(), "value must be 0..65535");
        else s.presets[id][static_cast<std::uint16_t>(*a)] = static_cast<std::uint16_t>(*v);
      }
    }
  }

  Scenario read(const YAML::Node& root) {
    Scenario s;
    s.source = file_;
    s.car_lag = scenario_file_car_lag;
    s.car_ramp = scenario_file_car_ramp;
    if (!root || root.IsNull()) return s;  // an empty file is the quiet default scenario
    keys(root, "", {"time_scale", "tick_ms", "wire_timing", "turnaround_ms", "seed", "household", "solar", "evs",
                    "faults", "presets", "car_lag", "car_ramp", "meter_refresh", "settings", "ocpp"});
    if (!root.IsMap()) return s;
    if (auto v = root["time_scale"]) {
      if (auto x = number(v, "time_scale")) {
        if (*x <= 0 || *x > 100000) problem(v, "time_scale", "must be above 0 and at most 100000");
        s.time_scale = *x;
      }
    }
    if (auto v = root["tick_ms"]) {
      if (auto x = number(v, "tick_ms")) {
        if (*x < 1 || *x > 10000) problem(v, "tick_ms", "must be between 1 and 10000");
        s.tick = *x / 1000.0;
      }
    }
    if (auto v = root["wire_timing"]) if (auto b = boolean(v, "wire_timing")) s.wire_timing = *b;
    if (auto v = root["turnaround_ms"]) {
      if (auto x = number(v, "turnaround_ms")) {
        if (*x < 0 || *x > 10000) problem(v, "turnaround_ms", "must be between 0 and 10000");
        s.turnaround_ms = *x;
      }
    }
    if (auto v = root["seed"]) if (auto x = number(v, "seed")) s.seed = static_cast<std::uint32_t>(*x);
    if (auto v = root["household"]) read_profile(v, "household", s.household);
    if (auto v = root["solar"]) read_profile(v, "solar", s.solar);
    if (auto v = root["evs"]) {
      if (!v.IsSequence()) problem(v, "evs", "must be a list");
      else
        for (std::size_t i = 0; i < v.size(); ++i) read_ev(v[i], "evs[" + std::to_string(i) + "]", s.evs.emplace_back());
    }
    if (auto v = root["faults"]) {
      if (!v.IsSequence()) problem(v, "faults", "must be a list");
      else
        for (std::size_t i = 0; i < v.size(); ++i)
          read_fault(v[i], "faults[" + std::to_string(i) + "]", s.faults.emplace_back());
    }
    if (auto v = root["presets"]) read_presets(v, s);
    if (auto v = root["car_lag"]) s.car_lag = lag(v, "car_lag");
    if (auto v = root["car_ramp"]) s.car_ramp = ramp(v, "car_ramp");
    if (auto v = root["meter_refresh"]) read_meter_refresh(v, s);
    if (auto v = root["settings"]) read_settings(v, s);
    if (auto v = root["ocpp"]) read_ocpp_section(v, file_, s.ocpp, problems);
    return s;
  }

 private:
  std::string file_;
};

}  // namespace

ScenarioResult load_scenario_text(const std::string& yaml_text, const std::string& file_name) {
  ScenarioResult result;
  const auto parsed = config::yaml::parse(yaml_text);
  if (parsed.error) {
    result.problems.push_back({file_name, parsed.where.line, parsed.where.column, "", *parsed.error});
    return result;
  }
  Reader reader(file_name);
  Scenario s = reader.read(parsed.root);
  result.problems = std::move(reader.problems);
  if (result.problems.empty()) result.scenario = std::move(s);
  return result;
}

ScenarioResult load_scenario_file(const std::string& path) {
  std::string why;
  const auto text = config::yaml::read_file(path, why);
  if (!text) {
    ScenarioResult r;
    r.problems.push_back({path, 0, 0, "", "cannot read the scenario file: " + why});
    return r;
  }
  return load_scenario_text(*text, path);
}

}  // namespace ampgate::sim
