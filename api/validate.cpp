#include "api/validate.h"

#include <array>
#include <initializer_list>
#include <string_view>

#include "gateway/config_reader.h"

namespace ampgate::api {

using nlohmann::json;

namespace {

using config::detail::did_you_mean;
std::string num(double v) { return config::detail::number_text(v); }

constexpr std::array<std::string_view, 5> mode_names{"off", "fast", "eco", "eco_plus", "solar"};
const char* const mode_list = "off, fast, eco, eco_plus, solar";

ApiError invalid(std::string field, std::string message) { return {422, std::move(message), std::move(field)}; }

// A field that must be a number within `range`.
std::optional<ApiError> check_number(const json& v, const std::string& field, Range range) {
  if (!v.is_number()) {
    return invalid(field, "expected a number (in " + std::string(range.unit) + "), got '" + v.dump() + "'");
  }
  const double x = v.get<double>();
  if (x < range.min || x > range.max) {
    return invalid(field, num(x) + " " + range.unit + " is outside " + num(range.min) + "–" + num(range.max) + " " +
                              range.unit);
  }
  return std::nullopt;
}

std::optional<ApiError> only_fields(const json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) {
      return invalid(key, "unknown key '" + key + "'" +
                              did_you_mean(key, std::span<const std::string_view>(allowed.begin(), allowed.size())));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<config::Mode> parse_mode(const std::string& name) {
  for (auto m : {config::Mode::off, config::Mode::fast, config::Mode::eco, config::Mode::eco_plus, config::Mode::solar}) {
    if (name == config::to_string(m)) return m;
  }
  return std::nullopt;
}

Checked<json> parse_body(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return ApiError{400, "malformed JSON in the request body", ""};
  if (!j.is_object()) return ApiError{400, "the request body must be a JSON object", ""};
  return j;
}

Checked<ModeCommand> check_mode(const json& body) {
  if (auto e = only_fields(body, {"mode", "eco_grid_current", "eco_plus_start_surplus"})) return *e;
  if (!body.contains("mode")) return invalid("mode", std::string("missing 'mode': one of ") + mode_list);
  const json& m = body["mode"];
  if (!m.is_string()) return invalid("mode", "expected one of " + std::string(mode_list) + ", got '" + m.dump() + "'");
  const std::string name = m.get<std::string>();
  auto mode = parse_mode(name);
  if (!mode) {
    return invalid("mode", "'" + name + "' is not a known value" + did_you_mean(name, mode_names) +
                               "; use one of: " + mode_list);
  }
  ModeCommand cmd;
  cmd.mode = *mode;
  if (body.contains("eco_grid_current")) {
    if (auto e = check_number(body["eco_grid_current"], "eco_grid_current", ranges::eco_grid_current)) return *e;
    cmd.eco_grid_current = body["eco_grid_current"].get<double>();
  }
  if (body.contains("eco_plus_start_surplus")) {
    if (auto e = check_number(body["eco_plus_start_surplus"], "eco_plus_start_surplus", ranges::eco_plus_start_surplus))
      return *e;
    cmd.eco_plus_start_surplus = body["eco_plus_start_surplus"].get<double>();
  }
  return cmd;
}

Checked<std::optional<double>> check_limit(const json& body, const ChargerView& charger) {
  if (auto e = only_fields(body, {"max_current"})) return *e;
  if (!body.contains("max_current")) return invalid("max_current", "missing 'max_current': amps, or null to remove");
  const json& v = body["max_current"];
  if (v.is_null()) return std::optional<double>{};
  if (auto e = check_number(v, "max_current", ranges::charger_current)) return *e;
  const double x = v.get<double>();
  if (x > charger.max_current) {
    return invalid("max_current", num(x) + " A is above max_current " + num(charger.max_current) + " A");
  }
  if (x < charger.min_current) {
    return invalid("max_current", num(x) + " A is below min_current " + num(charger.min_current) + " A");
  }
  return std::optional<double>{x};
}

Checked<SiteLimitsCommand> check_site_limits(const json& body, const SiteView& site) {
  if (auto e = only_fields(body, {"mains_limit", "duration"})) return *e;
  if (!body.contains("mains_limit")) return invalid("mains_limit", "missing 'mains_limit': amps, or null to clear");
  SiteLimitsCommand cmd;
  const json& v = body["mains_limit"];
  if (!v.is_null()) {
    if (auto e = check_number(v, "mains_limit", Range{0.0, site.mains.fuse, "A"})) {
      if (v.is_number() && v.get<double>() > site.mains.fuse) {
        e->error = num(v.get<double>()) + " A is above the mains fuse " + num(site.mains.fuse) + " A";
      }
      return *e;
    }
    cmd.mains_limit = v.get<double>();
  }
  if (body.contains("duration") && !body["duration"].is_null()) {
    if (!cmd.mains_limit) return invalid("duration", "duration needs a mains_limit");
    if (auto e = check_number(body["duration"], "duration", ranges::temporary_limit_duration)) return *e;
    cmd.duration = body["duration"].get<double>();
  }
  return cmd;
}

}  // namespace ampgate::api
