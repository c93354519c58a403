// The single-map sections of the site file: site, policy, api, storage.
#include <arpa/inet.h>

#include <cctype>

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

void parse_mqtt(Reader& r, const YAML::Node& node, Location at, Parsed& p) {
  if (!node) return;  // no section: no MQTT
  MapReader m(r, node, "mqtt", "mqtt", at);
  Mqtt& mq = p.site.mqtt;
  mq.where = m.where();
  if (!m.ok()) return;
  mq.enabled = true;
  if (auto v = m.text("host")) mq.host = *v;
  if (auto v = m.integer("port", 1, 65535)) mq.port = static_cast<int>(*v);
  if (m.has("tls")) {
    MapReader t(r, m.value("tls"), m.path("tls"), "mqtt.tls", m.where("tls"));
    if (t.ok()) {
      if (auto v = t.text("ca_file", true)) mq.ca_file = *v;
      if (auto v = t.text("cert_file")) mq.cert_file = *v;
      if (auto v = t.text("key_file")) mq.key_file = *v;
      if (mq.cert_file.empty() != mq.key_file.empty())
        r.report(t.where(), t.path(), "cert_file and key_file go together; give both for a client certificate, or neither");
    }
  }
  if (auto v = m.text("username")) mq.username = *v;
  if (auto v = m.text("password_file")) mq.password_file = *v;
  if (auto v = m.text("client_id")) mq.client_id = *v;
  if (auto v = m.text("topic_prefix")) {
    if (v->empty() || v->find_first_of("+#") != std::string::npos || v->back() == '/')
      r.report(m.where("topic_prefix"), m.path("topic_prefix"),
               "'" + *v + "' is not a topic prefix; use letters, digits and '/' without wildcards or a trailing '/', e.g. ampgate/home");
    else
      mq.topic_prefix = *v;
  }
  if (m.has("discovery_prefix")) {
    const YAML::Node d = m.value("discovery_prefix");
    if (d.IsScalar() && (d.Scalar() == "off" || d.Scalar() == "false")) {
      mq.discovery_prefix.clear();
    } else if (auto v = m.text("discovery_prefix")) {
      mq.discovery_prefix = *v;
    }
  }
  if (auto v = m.integer("qos", 0, 2)) mq.qos = static_cast<int>(*v);
  if (auto v = m.boolean("retain")) mq.retain = *v;
  // Defaults from the site's name, made safe for a topic level ("Home 2" -> "Home_2").
  std::string level = p.site.site.name.empty() ? "site" : p.site.site.name;
  for (auto& ch : level)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  if (mq.client_id.empty()) mq.client_id = "ampgate-" + level;
  if (mq.topic_prefix.empty()) mq.topic_prefix = "ampgate/" + level;
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
