#include "api/json_view.h"

#include <cstdio>

#include "api/health.h"
#include "api/time_text.h"

namespace ampgate::api {

namespace {

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json phases_json(const PerPhase& p) {
  return json{{"L1", opt(p[0])}, {"L2", opt(p[1])}, {"L3", opt(p[2])}};
}

json opt_time(const std::optional<WallTime>& t) { return t ? json(format_time(*t)) : json(nullptr); }

json household_json(const std::optional<HouseholdView>& h) {
  if (!h) return nullptr;
  json j = phases_json(h->amps);
  j["limit"] = phases_json(h->limit);
  j["age"] = opt(h->age);
  return j;
}

}  // namespace

json mains_json(const SiteView& site) {
  return json{{"id", config::mains_circuit_id},
              {"parent", nullptr},
              {"measured", phases_json(site.mains.measured)},
              {"limit", site.mains.fuse},
              {"effective_limit", site.mains.effective_limit},
              {"temporary_limit", opt(site.mains.temporary_limit)},
              {"temporary_until", opt_time(site.mains.temporary_until)},
              {"meter", site.mains_meter.empty() ? json(nullptr) : json(site.mains_meter)},
              {"household", household_json(site.mains.household)}};
}

json to_json(const CircuitView& c) {
  return json{{"id", c.id},
              {"parent", c.parent},
              {"measured", phases_json(c.measured)},
              {"limit", c.limit},
              {"meter", c.meter.empty() ? json(nullptr) : json(c.meter)},
              {"meter_stale", c.meter.empty() ? json(nullptr) : json(c.meter_stale)},
              {"household", household_json(c.household)}};
}

json to_json(const ChargerView& c) {
  json session = nullptr;
  if (c.session) {
    session = json{{"id", c.session->id},
                   {"started", format_time(c.session->started)},
                   {"energy_wh", c.session->energy_wh}};
  }
  return json{{"id", c.id},
              {"model", c.model},
              {"circuit", c.circuit},
              {"state", to_string(c.state)},
              {"reachable", c.reachable},
              {"mode", config::to_string(c.mode)},
              {"mode_settings",
               {{"eco_grid_current", c.mode_settings.eco_grid_current},
                {"eco_plus_start_surplus", c.mode_settings.eco_plus_start_surplus}}},
              {"min_current", c.min_current},
              {"max_current", c.max_current},
              {"user_limit", opt(c.user_limit)},
              {"stopped_by_user", c.stopped_by_user},
              {"setpoint", {{"current", c.setpoint.current}, {"phases", c.setpoint.phases}, {"run", c.setpoint.run}}},
              {"actual", phases_json(c.actual)},
              {"phases_in_use", c.phases_in_use},
              {"power", opt(c.power)},
              {"session", session},
              {"reason", c.reason},
              {"warnings", c.warnings},
              {"errors", c.errors}};
}

json to_json(const MeterView& m) {
  return json{{"id", m.id},
              {"model", m.model},
              {"role", config::to_string(m.role)},
              {"current", phases_json(m.current)},
              {"voltage", phases_json(m.voltage)},
              {"power", phases_json(m.power)},
              {"total_power", opt(m.total_power)},
              {"age", opt(m.age)},
              {"fresh", m.fresh}};
}

json to_json(const BusView& b) {
  return json{{"id", b.id},
              {"kind", b.kind},
              {"requests", b.requests},
              {"successes", b.successes},
              {"timeouts", b.timeouts},
              {"bad_frames", b.bad_frames},
              {"exceptions", b.exceptions},
              {"error_rate", b.error_rate},
              {"latency_p50", opt(b.latency_p50)},
              {"latency_p99", opt(b.latency_p99)},
              {"busy", b.busy}};
}

// The same verdict as GET /health (a phase over its limit, a late loop, a stale mains
// meter, the daemon's own faults), so that `ampgate status` and the page agree with it.
namespace {
json health_json(const SiteView& s) {
  const Health h = judge_health(s, WallClock::now());
  return {{"ok", h.ok}, {"reason", h.ok ? json(nullptr) : json(h.reason)}};
}
}  // namespace

json to_json(const SiteView& s) {
  json circuits = json::array({mains_json(s)});
  for (const auto& c : s.circuits) circuits.push_back(to_json(c));
  json chargers = json::array();
  for (const auto& c : s.chargers) chargers.push_back(to_json(c));
  json meters = json::array();
  for (const auto& m : s.meters) meters.push_back(to_json(m));
  json buses = json::array();
  for (const auto& b : s.buses) buses.push_back(to_json(b));
  return json{{"name", s.name},
              {"phases", s.phases},
              {"voltage", s.voltage},
              {"control_period", s.control_period},
              {"loop_last_run", opt_time(s.loop_last_run)},
              {"mains", mains_json(s)},
              {"circuits", circuits},
              {"chargers", chargers},
              {"meters", meters},
              {"buses", buses},
              {"health", health_json(s)},
              {"version", s.version}};
}

json to_json(const SessionRow& r) {
  return json{{"id", r.id},
              {"charger", r.charger},
              {"started", format_time(r.started)},
              {"ended", opt_time(r.ended)},
              {"energy_wh", r.energy_wh}};
}

json to_json(const EventRow& r) {
  return json{{"time", format_time(r.time)},
              {"kind", r.kind},
              {"charger", r.charger.empty() ? json(nullptr) : json(r.charger)},
              {"message", r.message}};
}

json to_json(const MetricsHistory& h) {
  json times = json::array();
  for (auto t : h.times) times.push_back(format_time(t));
  auto series = [](const std::vector<std::optional<double>>& v) {
    json a = json::array();
    for (const auto& x : v) a.push_back(opt(x));
    return a;
  };
  json chargers = json::array();
  for (const auto& c : h.chargers) chargers.push_back({{"id", c.id}, {"current", series(c.current)}});
  return json{{"times", times},
              {"mains", {{"L1", series(h.mains[0])}, {"L2", series(h.mains[1])}, {"L3", series(h.mains[2])}}},
              {"mains_limit", series(h.mains_limit)},
              {"chargers", chargers}};
}

namespace {
// Quotes a CSV field only when it needs it (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string sessions_csv(const std::vector<SessionRow>& rows) {
  std::string out = "id,charger,started,ended,energy_kwh\r\n";
  for (const auto& r : rows) {
    char kwh[32];
    std::snprintf(kwh, sizeof kwh, "%.3f", r.energy_wh / 1000.0);
    out += csv_field(r.id) + "," + csv_field(r.charger) + "," + format_time(r.started) + "," +
           (r.ended ? format_time(*r.ended) : std::string()) + "," + kwh + "\r\n";
  }
  return out;
}

}  // namespace ampgate::api
