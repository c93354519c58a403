#include "api/mqtt/schema.h"

#include <vector>

namespace ampgate::api::mqtt {

const char* to_string(Object o) {
  switch (o) {
    case Object::site: return "site";
    case Object::circuit: return "circuit";
    case Object::charger: return "charger";
    case Object::meter: return "meter";
  }
  return "site";
}

namespace {

// A value at a JSON pointer of the document ("/actual/L1"); absent is unknown.
std::function<json(const json&)> at(std::string pointer) {
  return [p = json::json_pointer(std::move(pointer))](const json& doc) {
    return doc.contains(p) ? doc.at(p) : json(nullptr);
  };
}

// IEC 61851 pilot states: B = car connected, C/D = charging.
std::function<json(const json&)> pilot_in(std::string states) {
  return [states = std::move(states)](const json& doc) -> json {
    const auto& s = doc.value("state", std::string("unknown"));
    if (s.size() != 1 || s[0] < 'A' || s[0] > 'F') return nullptr;
    return states.find(s[0]) != std::string::npos;
  };
}

json kwh(const json& doc) {
  const auto p = json::json_pointer("/session/energy_wh");
  if (!doc.contains(p) || !doc.at(p).is_number()) return nullptr;
  return doc.at(p).get<double>() / 1000.0;
}

std::vector<Value> make_values() {
  std::vector<Value> v;
  auto add = [&](Object o, std::string key, std::string name, std::function<json(const json&)> read,
                 std::string component, std::string device_class = {}, std::string state_class = {},
                 std::string unit = {}, std::string command = {}) {
    v.push_back({o, std::move(key), std::move(name), std::move(read), std::move(component), std::move(device_class),
                 std::move(state_class), std::move(unit), std::move(command)});
  };
  for (const char* l : {"L1", "L2", "L3"}) {
    const std::string L = l;
    add(Object::circuit, "measured/" + L, "Current " + L, at("/measured/" + L), "sensor", "current", "measurement", "A");
    add(Object::circuit, "household/" + L, "Household " + L, at("/household/" + L), "sensor", "current",
        "measurement", "A");
  }
  add(Object::circuit, "limit", "Limit", at("/limit"), "sensor", "current", "", "A");

  add(Object::charger, "state", "Pilot state", at("/state"), "sensor");
  add(Object::charger, "connected", "Car connected", pilot_in("BCD"), "binary_sensor", "plug");
  add(Object::charger, "charging", "Charging", pilot_in("CD"), "binary_sensor", "battery_charging");
  add(Object::charger, "reachable", "Reachable", at("/reachable"), "binary_sensor", "connectivity");
  add(Object::charger, "mode", "Mode", at("/mode"), "select", "", "", "", "mode");
  add(Object::charger, "limit", "User limit", at("/user_limit"), "number", "current", "", "A", "limit");
  add(Object::charger, "setpoint", "Setpoint", at("/setpoint/current"), "sensor", "current", "measurement", "A");
  add(Object::charger, "run", "Running", at("/setpoint/run"), "binary_sensor", "running");
  add(Object::charger, "phases", "Phases in use", at("/phases_in_use"), "sensor", "", "measurement");
  for (const char* l : {"L1", "L2", "L3"})
    add(Object::charger, std::string("measured/") + l, std::string("Current ") + l, at(std::string("/actual/") + l),
        "sensor", "current", "measurement", "A");
  add(Object::charger, "power", "Power", at("/power"), "sensor", "power", "measurement", "W");
  add(Object::charger, "session_energy", "Session energy", kwh, "sensor", "energy", "total_increasing", "kWh");
  add(Object::charger, "reason", "Reason", at("/reason"), "sensor");

  for (const char* l : {"L1", "L2", "L3"})
    add(Object::meter, std::string("current/") + l, std::string("Current ") + l, at(std::string("/current/") + l),
        "sensor", "current", "measurement", "A");
  add(Object::meter, "power", "Power", at("/total_power"), "sensor", "power", "measurement", "W");
  add(Object::meter, "age", "Reading age", at("/age"), "sensor", "duration", "measurement", "s");

  add(Object::site, "healthy", "Healthy", at("/health/ok"), "binary_sensor");
  add(Object::site, "problem", "Problem", at("/health/reason"), "sensor");
  return v;
}

}  // namespace

std::span<const Value> values() {
  static const std::vector<Value> table = make_values();
  return table;
}

std::span<const Button> buttons() {
  static const std::vector<Button> table{{Object::charger, "start", "Start"}, {Object::charger, "stop", "Stop"}};
  return table;
}

std::string payload(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace ampgate::api::mqtt
