#pragma once
// The one table of what ampgate publishes on MQTT. The state topics (api/mqtt/state_topics.cpp)
// and the Home Assistant discovery documents (api/mqtt/discovery.cpp) are both generated from
// it, so that a value cannot be published without being announced, or announced without
// being published.
#include <functional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

namespace ampgate::api::mqtt {

using nlohmann::json;

// The objects of a site, each with a JSON document (the REST API's, api/json_view.h) on
// <prefix>/<kind>/<id> (the site's on <prefix>/site).
enum class Object { site, circuit, charger, meter };
const char* to_string(Object o);  // "site", "circuit", "charger", "meter"

struct Value {
  Object object;
  std::string key;          // topic level(s) under the object's topic, e.g. "measured/L1"
  std::string name;         // what Home Assistant calls it, e.g. "Current L1"
  // Reads the value from the object's JSON document; null = unknown (stale, not measured).
  std::function<json(const json& doc)> read;
  // Home Assistant: the entity kind ("sensor", "binary_sensor", "select", "number"), its
  // classes and unit (empty = none).
  std::string component;
  std::string device_class;
  std::string state_class;
  std::string unit;
  // The command this value takes on <object topic>/<command>/set (empty = read only).
  std::string command;
};

// Buttons: commands without a state (start, stop), on <object topic>/<command>/set.
struct Button {
  Object object;
  std::string command;
  std::string name;
};

std::span<const Value> values();
std::span<const Button> buttons();

// The text a value is published as on its own topic: strings bare, numbers and booleans as
// JSON, unknown as "null".
std::string payload(const json& v);

}  // namespace ampgate::api::mqtt
