#include "api/routes.h"

namespace ampgate::api {

const std::vector<Route>& routes() {
  static const char* json = "application/json";
  static const std::vector<Route> all = {
      {"GET", "/", "The live web page", Access::open, nullptr, "text/html", {}},
      {"GET", "/assets/{name}", "Script and style of the web page", Access::open, nullptr, "text/plain", {}},
      {"GET", "/metrics", "Prometheus text: currents, setpoints, bus statistics, session energy", Access::read,
       nullptr, "text/plain", {}},
      {"GET", "/api/v1/openapi.json", "This document", Access::open, nullptr, json, {}},
      {"GET", "/api/v1/health", "200 when the control loop runs and the mains meter is fresh, else 503 and why",
       Access::open, nullptr, json, {}},
      {"GET", "/api/v1/site", "Everything in one document: mains, circuits, chargers, meters, buses", Access::read,
       nullptr, json, {}},
      {"GET", "/api/v1/stream", "Server-Sent Events: the site document whenever it changes (at most once per period)",
       Access::read, nullptr, "text/event-stream", {}},
      {"GET", "/api/v1/chargers", "All chargers", Access::read, nullptr, json, {}},
      {"GET", "/api/v1/chargers/{id}", "One charger", Access::read, nullptr, json, {}},
      {"GET", "/api/v1/meters", "All meters with their age", Access::read, nullptr, json, {}},
      {"GET", "/api/v1/circuits", "The mains and every circuit, measured against limit per phase", Access::read,
       nullptr, json, {}},
      {"GET", "/api/v1/sessions", "Charging sessions, newest first", Access::read, nullptr, json,
       {{"from", "string", "started at or after (ISO 8601 UTC or Unix seconds)"},
        {"to", "string", "started before (ISO 8601 UTC or Unix seconds)"},
        {"charger", "string", "only this charger"},
        {"limit", "integer", "at most this many rows (1-10000, default 1000)"},
        {"format", "string", "json (default) or csv"}}},
      {"GET", "/api/v1/events", "Events (commands, stale meters, faults), newest first", Access::read, nullptr, json,
       {{"from", "string", "at or after (ISO 8601 UTC or Unix seconds)"},
        {"to", "string", "before (ISO 8601 UTC or Unix seconds)"},
        {"limit", "integer", "at most this many rows (1-10000, default 200)"}}},
      {"GET", "/api/v1/history", "Per-minute mains per phase, fuse line and charger currents", Access::read, nullptr,
       json, {{"minutes", "integer", "how far back (1-1440, default 60)"}}},
      {"PUT", "/api/v1/chargers/{id}/mode", "Set the charger's mode and its settings", Access::write, "ModeRequest",
       json, {}},
      {"PUT", "/api/v1/chargers/{id}/limit", "Set or remove a user maximum current", Access::write, "LimitRequest",
       json, {}},
      {"POST", "/api/v1/chargers/{id}/start", "Let the charger run again when its mode allows", Access::write,
       nullptr, json, {}},
      {"POST", "/api/v1/chargers/{id}/stop", "Pause the charger until start", Access::write, nullptr, json, {}},
      {"PUT", "/api/v1/site/limits", "Set or clear a temporary mains limit (tariff, grid-operator request)",
       Access::write, "SiteLimitsRequest", json, {}},
  };
  return all;
}

std::string route_regex(const Route& route) {
  std::string out;
  for (const char* p = route.path; *p; ++p) {
    if (*p == '{') {
      while (*p && *p != '}') ++p;
      out += "([A-Za-z0-9_.-]+)";
      if (!*p) break;
    } else if (*p == '.') {
      out += "\\.";
    } else {
      out += *p;
    }
  }
  return out;
}

std::string route_key(const Route& route) { return std::string(route.method) + " " + route.path; }

}  // namespace ampgate::api
