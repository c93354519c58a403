// The single-map sections of the site file: site, policy, api, storage.
#include <arpa/inet.h>

#include "gateway/config_parse.h"

namespace ampgate::config::detail {

void parse_site_info(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  MapReader m(r, node, "site", "site", at);
  SiteInfo& s = p.site.site;
  s.where = m.where();
  if (!m.ok()) return;
  if (auto v = m.text("name", true)) s.name = *v;
  if (auto v = m.choice<int>("phases", {{"1", 1}, {"3", 3}}, true)) s.phases = *v;
  if (auto v = m.number("voltage", 100, 260, "V")) s.voltage = *v;
  if (auto v = m.number("mains_fuse", 1, 2000, "A", true)) s.mains_fuse = *v;
  if (auto v = m.id("mains_meter")) s.mains_meter = *v;
  if (auto v = m.number("safety_margin", 0, 100, "A")) s.safety_margin = *v;
  if (auto v = m.number("max_sum_mains", 1, 6000, "A")) s.max_sum_mains = *v;
  if (auto v = m.number("max_sum_mains_grace", 0, 3600, "s")) s.max_sum_mains_grace = *v;
  // Until the policy section says otherwise, a 1-phase site switches nothing.
  p.site.policy.phase_mode = s.phases == 1 ? PhaseMode::one : PhaseMode::three;
}

void parse_policy(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  MapReader m(r, node, "policy", "policy", at);
  Policy& pol = p.site.policy;
  pol.where = m.where();
  if (!m.ok()) return;
  if (auto v = m.choice<Sharing>("sharing", {{"equal", Sharing::equal}, {"priority", Sharing::priority}}))
    pol.sharing = *v;
  if (auto v = m.choice<PhaseMode>("phase_mode",
                                   {{"1", PhaseMode::one}, {"3", PhaseMode::three}, {"mixed", PhaseMode::mixed}}))
    pol.phase_mode = *v;
  if (auto v = m.number("control_period", 0.1, 60, "s")) pol.control_period = *v;
  if (auto v = m.number("solar_stop_delay", 0, 3600, "s")) pol.solar_stop_delay = *v;
  if (auto v = m.number("solar_start_delay", 0, 3600, "s")) pol.solar_start_delay = *v;
  if (auto v = m.number("meter_lost_fallback", 0, 2000, "A")) pol.meter_lost_fallback = *v;
  if (auto v = m.number("meter_stale_after", 1, 600, "s")) pol.meter_stale_after = *v;
  if (auto v = m.number("phase_switch_hysteresis", 0, 32, "A")) pol.phase_switch_hysteresis = *v;
  if (auto v = m.number("phase_switch_min_dwell", 0, 86400, "s")) pol.phase_switch_min_dwell = *v;
}

void parse_api(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  MapReader m(r, node, "api", "api", at);
  Api& api = p.site.api;
  api.where = m.where();
  if (!m.ok()) return;
  if (auto v = m.text("listen")) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, v->c_str(), buf) == 1 || inet_pton(AF_INET6, v->c_str(), buf) == 1) {
      api.listen = *v;
    } else {
      r.report(m.where("listen"), m.path("listen"),
               "'" + *v + "' is not an IP address; use 127.0.0.1 (this box only) or 0.0.0.0 (every interface)");
    }
  }
  if (auto v = m.integer("port", 0, 65535)) api.port = static_cast<int>(*v);  // 0: any free port
  if (auto v = m.text("token_file")) api.token_file = *v;
  if (auto v = m.boolean("reads_need_token")) api.reads_need_token = *v;
}

void parse_storage(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  MapReader m(r, node, "storage", "storage", at);
  Storage& st = p.site.storage;
  st.where = m.where();
  if (!m.ok()) return;
  if (auto v = m.text("database")) st.database = *v;
  if (auto v = m.integer("retention_days", 1, 3650)) st.retention_days = static_cast<int>(*v);
}

}  // namespace ampgate::config::detail
