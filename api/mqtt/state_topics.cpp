#include "api/mqtt/state_topics.h"

#include "api/json_view.h"
#include "api/mqtt/schema.h"

namespace ampgate::api::mqtt {

namespace {

// The site's own document: what describes the site and its health, not its parts (each has
// its own topic) and not the loop's clock (that would change every period).
json site_doc(const SiteView& s) {
  json full = to_json(s);
  return json{{"name", s.name}, {"phases", s.phases}, {"voltage", s.voltage}, {"control_period", s.control_period},
              {"mains_meter", s.mains_meter.empty() ? json(nullptr) : json(s.mains_meter)}, {"health", full["health"]}};
}

void add_object(Topics& out, Object kind, const std::string& topic, const json& doc) {
  out[topic] = doc.dump();
  for (const auto& v : values())
    if (v.object == kind) out[topic + "/" + v.key] = payload(v.read(doc));
}

}  // namespace

Topics state_topics(const SiteView& site, const std::string& prefix) {
  Topics out;
  add_object(out, Object::site, prefix + "/site", site_doc(site));
  add_object(out, Object::circuit, prefix + "/circuit/" + config::mains_circuit_id, mains_json(site));
  for (const auto& c : site.circuits) add_object(out, Object::circuit, prefix + "/circuit/" + c.id, to_json(c));
  for (const auto& c : site.chargers) add_object(out, Object::charger, prefix + "/charger/" + c.id, to_json(c));
  for (const auto& m : site.meters) add_object(out, Object::meter, prefix + "/meter/" + m.id, to_json(m));
  return out;
}

std::vector<std::pair<std::string, std::string>> changes(const Topics& now, Topics& last, bool all) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [topic, text] : now) {
    auto it = last.find(topic);
    if (all || it == last.end() || it->second != text) out.emplace_back(topic, text);
  }
  for (const auto& [topic, text] : last)
    if (!now.count(topic)) out.emplace_back(topic, std::string());
  last = now;
  return out;
}

}  // namespace ampgate::api::mqtt
