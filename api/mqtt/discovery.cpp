#include "api/mqtt/discovery.h"

#include <cctype>

#include "api/mqtt/schema.h"
#include "gateway/config.h"

namespace ampgate::api::mqtt {

namespace {

std::string safe(const std::string& s) {
  std::string out = s;
  for (auto& ch : out)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
  return out;
}

struct Entity {
  Object kind;
  std::string id;      // the object's id ("site" for the site)
  std::string topic;   // the object's state topic
  json device;         // the Home Assistant device it belongs to
  const ChargerView* charger = nullptr;
};

class Builder {
 public:
  Builder(const SiteView& site, std::string prefix, std::string discovery)
      : site_(site), prefix_(std::move(prefix)), discovery_(std::move(discovery)), node_(node_id(prefix_)) {
    gateway_ = {{"identifiers", json::array({node_ + "_gateway"})},
                {"name", "ampgate " + (site.name.empty() ? prefix_ : site.name)},
                {"manufacturer", "ampgate"},
                {"model", "energy-management gateway"}};
  }

  Topics build() {
    entities(Entity{Object::site, "site", prefix_ + "/site", gateway_});
    entities(Entity{Object::circuit, config::mains_circuit_id, prefix_ + "/circuit/" + config::mains_circuit_id, gateway_});
    for (const auto& c : site_.circuits) entities(Entity{Object::circuit, c.id, prefix_ + "/circuit/" + c.id, gateway_});
    for (const auto& m : site_.meters) entities(Entity{Object::meter, m.id, prefix_ + "/meter/" + m.id, gateway_});
    for (const auto& c : site_.chargers) {
      json device = {{"identifiers", json::array({node_ + "_charger_" + safe(c.id)})},
                     {"name", c.id},
                     {"model", c.model},
                     {"manufacturer", "ampgate"},
                     {"via_device", node_ + "_gateway"}};
      entities(Entity{Object::charger, c.id, prefix_ + "/charger/" + c.id, device, &c});
    }
    return std::move(out_);
  }

 private:
  // On the gateway's own device, a circuit's or meter's entity names its object.
  std::string name(const Entity& e, const std::string& what) const {
    if (e.kind == Object::circuit || e.kind == Object::meter) return e.id + " " + what;
    return what;
  }

  json common(const Entity& e, const std::string& key, const std::string& what) const {
    const std::string object_id = std::string(to_string(e.kind)) + "_" + safe(e.id) + "_" + safe(key);
    return json{{"name", name(e, what)},
                {"unique_id", node_ + "_" + object_id},
                {"object_id", node_ + "_" + object_id},
                {"availability_topic", status_topic(prefix_)},
                {"payload_available", "online"},
                {"payload_not_available", "offline"},
                {"device", e.device}};
  }

  void put(const std::string& component, const Entity& e, const std::string& key, json doc) {
    const std::string object_id = std::string(to_string(e.kind)) + "_" + safe(e.id) + "_" + safe(key);
    out_[discovery_ + "/" + component + "/" + node_ + "/" + object_id + "/config"] = doc.dump();
  }

  void entities(const Entity& e) {
    for (const auto& v : values()) {
      if (v.object != e.kind || v.component.empty()) continue;
      json doc = common(e, v.key, v.name);
      doc["state_topic"] = e.topic + "/" + v.key;
      if (!v.device_class.empty()) doc["device_class"] = v.device_class;
      if (!v.state_class.empty()) doc["state_class"] = v.state_class;
      if (!v.unit.empty()) doc["unit_of_measurement"] = v.unit;
      if (!v.command.empty()) doc["command_topic"] = e.topic + "/" + v.command + "/set";
      if (v.component == "binary_sensor") {
        doc["payload_on"] = "true";
        doc["payload_off"] = "false";
      } else {
        // Unknown values are published as "null": Home Assistant shows them as unknown.
        doc["value_template"] = "{{ None if value == 'null' else value }}";
      }
      if (v.component == "select") {
        json options = json::array();
        for (auto m : {config::Mode::off, config::Mode::fast, config::Mode::eco, config::Mode::eco_plus,
                       config::Mode::solar})
          options.push_back(config::to_string(m));
        doc["options"] = options;
      }
      if (v.component == "number" && e.charger) {
        doc["min"] = e.charger->min_current;
        doc["max"] = e.charger->max_current;
        doc["step"] = 1;
        doc["mode"] = "box";
      }
      put(v.component, e, v.key, doc);
    }
    for (const auto& b : buttons()) {
      if (b.object != e.kind) continue;
      json doc = common(e, b.command, b.name);
      doc["command_topic"] = e.topic + "/" + b.command + "/set";
      doc["payload_press"] = "PRESS";
      put("button", e, b.command, doc);
    }
  }

  const SiteView& site_;
  std::string prefix_, discovery_, node_;
  json gateway_;
  Topics out_;
};

}  // namespace

std::string node_id(const std::string& prefix) { return safe(prefix); }

Topics discovery_topics(const SiteView& site, const std::string& prefix, const std::string& discovery_prefix) {
  return Builder(site, prefix, discovery_prefix).build();
}

}  // namespace ampgate::api::mqtt
