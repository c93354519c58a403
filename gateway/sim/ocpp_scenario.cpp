#include "gateway/sim/ocpp_scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "gateway/sim/scenario.h"

namespace ampgate::sim {

namespace {

class SectionReader {
 public:
  SectionReader(const std::string& file, std::vector<ScenarioProblem>& problems) : file_(file), problems_(problems) {}

  void problem(const YAML::Node& n, const std::string& path, const std::string& message) {
    const auto mark = n.Mark();
    problems_.push_back({file_, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0, path, message});
  }
  void keys(const YAML::Node& map, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) return problem(map, path, "must be a map");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        problem(kv.first, path + "." + key, "unknown key (expected one of: " + list + ")");
      }
    }
  }
  void text(const YAML::Node& n, const std::string& path, std::string& out) {
    if (!n.IsScalar()) return problem(n, path, "must be a single value");
    out = n.Scalar();
  }
  void flag(const YAML::Node& n, const std::string& path, bool& out) {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) return problem(n, path, "must be true or false");
    out = b;
  }
  void seconds(const YAML::Node& n, const std::string& path, double& out, double lo, double hi) {
    const auto d = n.IsScalar() ? parse_duration(n.Scalar()) : std::nullopt;
    if (!d || *d < lo || *d > hi)
      return problem(n, path, "must be a duration between " + std::to_string(lo) + " and " + std::to_string(hi) + " s");
    out = *d;
  }
  void word(const YAML::Node& n, const std::string& path, std::string& out, std::initializer_list<const char*> allowed) {
    std::string w;
    text(n, path, w);
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return w == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return problem(n, path, "must be one of: " + list);
    }
    out = w;
  }

  void charge_point(const YAML::Node& n, const std::string& at, OcppChargePointSpec& c) {
    keys(n, at, {"central_system", "password", "ca_file", "tls_verify", "circuit", "phase", "id_tag",
                 "plug_and_charge", "offline_limits", "reconnect", "reconnect_min", "reconnect_max",
                 "call_timeout", "reject_profiles", "three_phase_profiles", "keys"});
    if (!n.IsMap()) return;
    if (auto v = n["central_system"]) {
      text(v, at + ".central_system", c.central_system);
      if (c.central_system.rfind("ws://", 0) != 0 && c.central_system.rfind("wss://", 0) != 0)
        problem(v, at + ".central_system", "must be a ws:// or wss:// URL");
    } else {
      problem(n, at + ".central_system", "needs the central system's URL (ws://host:port/path)");
    }
    if (auto v = n["password"]) text(v, at + ".password", c.password);
    if (auto v = n["ca_file"]) text(v, at + ".ca_file", c.ca_file);
    if (auto v = n["tls_verify"]) flag(v, at + ".tls_verify", c.tls_verify);
    if (auto v = n["circuit"]) text(v, at + ".circuit", c.circuit);
    if (auto v = n["phase"]) word(v, at + ".phase", c.phase, {"L1", "L2", "L3"});
    if (auto v = n["id_tag"]) text(v, at + ".id_tag", c.id_tag);
    if (auto v = n["plug_and_charge"]) flag(v, at + ".plug_and_charge", c.plug_and_charge);
    if (auto v = n["offline_limits"]) {
      std::string w = "device_limit";
      word(v, at + ".offline_limits", w, {"device_limit", "keep_profiles"});
      c.offline_limits = w == "keep_profiles" ? OfflineLimits::keep_profiles : OfflineLimits::device_limit;
    }
    if (auto v = n["reconnect"]) flag(v, at + ".reconnect", c.reconnect);
    if (auto v = n["reconnect_min"]) seconds(v, at + ".reconnect_min", c.reconnect_min, 0.1, 3600);
    if (auto v = n["reconnect_max"]) seconds(v, at + ".reconnect_max", c.reconnect_max, 0.1, 3600);
    if (c.reconnect_max < c.reconnect_min) problem(n, at + ".reconnect_max", "must not be below reconnect_min");
    if (auto v = n["call_timeout"]) seconds(v, at + ".call_timeout", c.call_timeout, 1, 3600);
    if (auto v = n["reject_profiles"]) flag(v, at + ".reject_profiles", c.reject_profiles);
    if (auto v = n["three_phase_profiles"]) flag(v, at + ".three_phase_profiles", c.three_phase_profiles);
    if (auto v = n["keys"]) {
      if (!v.IsMap()) return problem(v, at + ".keys", "must map configuration keys to values");
      for (const auto& kv : v) {
        const auto key = kv.first.as<std::string>();
        if (!kv.second.IsScalar()) problem(kv.second, at + ".keys." + key, "must be a single value");
        else c.keys[key] = kv.second.Scalar();
      }
    }
  }

 private:
  const std::string& file_;
  std::vector<ScenarioProblem>& problems_;
};

}  // namespace

void read_ocpp_section(const YAML::Node& node, const std::string& file, OcppScenario& out,
                       std::vector<ScenarioProblem>& problems) {
  SectionReader r(file, problems);
  r.keys(node, "ocpp", {"site_model", "charge_points"});
  if (!node.IsMap()) return;
  if (auto v = node["site_model"]) r.text(v, "ocpp.site_model", out.site_model);
  auto cps = node["charge_points"];
  if (!cps) return;
  if (!cps.IsMap()) return r.problem(cps, "ocpp.charge_points", "must map charge point ids to their settings");
  for (const auto& kv : cps) {
    auto& c = out.charge_points.emplace_back();
    c.id = kv.first.as<std::string>();
    c.line = kv.first.Mark().line + 1;
    r.charge_point(kv.second, "ocpp.charge_points." + c.id, c);
  }
}

}  // namespace ampgate::sim
