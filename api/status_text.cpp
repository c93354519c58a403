#include "api/status_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace ampgate::api {

using nlohmann::json;

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// "18.5" or "stale" for a null.
std::string amps(const json& v) { return v.is_number() ? fmt("%.1f", v.get<double>()) : "stale"; }

// [##########..........] filled to measured/limit; a stale value shows as a row of '?'.
std::string bar(const json& measured, double limit) {
  constexpr int width = 20;
  if (!measured.is_number()) return "[" + std::string(width, '?') + "]";
  const double share = limit > 0 ? measured.get<double>() / limit : 1.0;
  const int filled = std::clamp(static_cast<int>(std::lround(share * width)), 0, width);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.') +
         "]" + (share > 1.0 ? " OVER" : "");
}

const char* state_words(const std::string& s) {
  if (s == "A") return "no car";
  if (s == "B") return "connected";
  if (s == "C") return "charging";
  if (s == "D") return "charging (vent)";
  if (s == "E") return "no power";
  if (s == "F") return "fault";
  return "unknown";
}

std::string phase_values(const json& p) {
  return "L1 " + amps(p["L1"]) + "  L2 " + amps(p["L2"]) + "  L3 " + amps(p["L3"]);
}

// "    household L1 12.0  L2 3.1  L3 stale A (sample 0.3 s old)": what the loop took the
// non-EV load to be; empty when the loop has not estimated it (yet).
std::string household_line(const json& c, const std::string& indent) {
  const json& h = c.value("household", json(nullptr));
  if (!h.is_object()) return "";
  std::string age = h["age"].is_number() ? " (sample " + fmt("%.1f", h["age"].get<double>()) + " s old)" : " (no fresh sample)";
  return indent + "household " + phase_values(h) + " A" + age + "\n";
}

}  // namespace

std::string status_text(const json& s) {
  std::string out;
  const json& mains = s.at("mains");
  const double limit = mains.at("effective_limit").get<double>();
  const bool healthy = s.at("health").at("ok").get<bool>();
  out += "ampgate: " + s.at("name").get<std::string>() + "   " +
         (healthy ? std::string("healthy") : "NOT HEALTHY: " + s["health"].value("reason", std::string())) + "\n";

  out += "\nMains  fuse " + fmt("%g", mains.at("limit").get<double>()) + " A, limit " + fmt("%g", limit) + " A";
  if (mains.at("temporary_limit").is_number())
    out += " (temporary " + fmt("%g", mains["temporary_limit"].get<double>()) + " A)";
  out += "\n";
  const int phases = s.value("phases", 3);
  for (const char* p : {"L1", "L2", "L3"}) {
    if (phases == 1 && std::string(p) != "L1") break;
    out += "  " + std::string(p) + " " + bar(mains["measured"][p], limit) + " " + pad(amps(mains["measured"][p]), 5) + " / " +
           fmt("%.1f", limit) + " A\n";
  }
  out += household_line(mains, "  ");
  for (const auto& c : s.at("circuits")) {
    if (c.at("id") == "mains") continue;
    const double cl = c.at("limit").get<double>();
    out += "  circuit " + c["id"].get<std::string>() + " (limit " + fmt("%g", cl) + " A";
    if (c["meter"].is_string()) {
      out += ", meter " + c["meter"].get<std::string>() + (c["meter_stale"] == true ? " STALE" : "") + "): " +
             phase_values(c["measured"]) + " A\n";
    } else {
      out += ", unmetered)\n";  // no values to show: "stale" would suggest a meter that failed
    }
    out += household_line(c, "    ");
  }

  out += "\nChargers\n";
  for (const auto& c : s.at("chargers")) {
    const json& sp = c.at("setpoint");
    std::string line = "  " + pad(c.at("id").get<std::string>(), 14) + " " + c["state"].get<std::string>() + " " +
                       pad(state_words(c["state"].get<std::string>()), 10) + " " + pad(c["mode"].get<std::string>(), 8) + " ";
    if (!c.at("reachable").get<bool>()) {
      line += pad("unreachable", 26);
    } else {
      std::string set = sp.at("run").get<bool>() ? fmt("%.1f A", sp["current"].get<double>()) + " x" + std::to_string(sp["phases"].get<int>())
                                                 : std::string("paused");
      const json& a = c.at("actual");
      double high = -1;
      for (const char* p : {"L1", "L2", "L3"}) {
        if (a[p].is_number()) high = std::max(high, a[p].get<double>());
      }
      line += pad(set + " -> " + (high >= 0 ? fmt("%.1f A", high) : std::string("?")), 26);
    }
    line += " " + pad(std::to_string(c.value("phases_in_use", 0)) + "ph", 4);
    line += c["session"].is_object() ? pad(fmt("%.2f kWh", c["session"]["energy_wh"].get<double>() / 1000.0), 11)
                                     : pad("no session", 11);
    line += " " + c.value("reason", std::string());
    if (c.value("stopped_by_user", false)) line += " [stopped by user]";
    out += line + "\n";
    for (const auto& e : c.value("errors", json::array())) out += "      error: " + e.get<std::string>() + "\n";
    for (const auto& w : c.value("warnings", json::array())) out += "      warning: " + w.get<std::string>() + "\n";
  }

  out += "\nMeters\n";
  for (const auto& m : s.at("meters")) {
    std::string line = "  " + pad(m.at("id").get<std::string>(), 14) + " " + pad(m.at("role").get<std::string>(), 8) + " " +
                       pad(phase_values(m["current"]) + " A", 36);
    line += pad(m["total_power"].is_number() ? fmt("%.2f kW", m["total_power"].get<double>() / 1000.0) : "", 10);
    line += pad(m["age"].is_number() ? "age " + fmt("%.1f s", m["age"].get<double>()) : "never read", 13);
    line += m.at("fresh").get<bool>() ? "fresh" : "STALE";
    out += line + "\n";
  }

  out += "\nBuses\n";
  for (const auto& b : s.at("buses")) {
    auto ms = [](const json& v) { return v.is_number() ? fmt("%.0f ms", v.get<double>() * 1000.0) : std::string("-"); };
    out += "  " + pad(b.at("id").get<std::string>(), 14) + " " + pad(b.at("kind").get<std::string>(), 4) + " errors " +
           pad(fmt("%.1f %%", b["error_rate"].get<double>() * 100.0), 8) + " busy " +
           pad(fmt("%.0f %%", b["busy"].get<double>() * 100.0), 6) + " p50 " + pad(ms(b["latency_p50"]), 7) + " p99 " +
           pad(ms(b["latency_p99"]), 7) + " " + std::to_string(b["requests"].get<std::uint64_t>()) + " requests\n";
  }
  return out;
}

}  // namespace ampgate::api
