#include "api/prometheus.h"

#include <cstdio>
#include <map>
#include <vector>

namespace ampgate::api {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Collects samples per metric so that each metric's HELP/TYPE comes once, before its samples.
class Writer {
 public:
  void add(const std::string& name, const char* type, const char* help, const std::vector<std::pair<const char*, std::string>>& labels,
           std::optional<double> value) {
    auto& m = metrics_[name];
    if (m.type.empty()) {
      m.type = type;
      m.help = help;
      order_.push_back(name);
    }
    if (!value) return;  // stale: no sample
    std::string line = name;
    if (!labels.empty()) {
      line += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) line += ',';
        line += std::string(labels[i].first) + "=\"" + escape_label(labels[i].second) + "\"";
      }
      line += '}';
    }
    m.samples.push_back(line + " " + number(*value) + "\n");
  }
  std::string text() const {
    std::string out;
    for (const auto& name : order_) {
      const auto& m = metrics_.at(name);
      out += "# HELP " + name + " " + m.help + "\n# TYPE " + name + " " + m.type + "\n";
      for (const auto& s : m.samples) out += s;
    }
    return out;
  }

 private:
  struct Metric {
    std::string type, help;
    std::vector<std::string> samples;
  };
  std::map<std::string, Metric> metrics_;
  std::vector<std::string> order_;
};

const char* phase_name(std::size_t i) { return i == 0 ? "L1" : i == 1 ? "L2" : "L3"; }

}  // namespace

std::string prometheus_text(const SiteView& s) {
  Writer w;
  const char* g = "gauge";
  const char* c = "counter";
  for (std::size_t p = 0; p < 3; ++p) {
    w.add("ampgate_mains_current_amperes", g, "Measured mains current per phase.", {{"phase", phase_name(p)}},
          s.mains.measured[p]);
    w.add("ampgate_mains_limit_amperes", g, "Effective mains limit per phase (fuse less margin, temporary limit).",
          {{"phase", phase_name(p)}}, s.mains.effective_limit);
  }
  for (const auto& ci : s.circuits) {
    for (std::size_t p = 0; p < 3; ++p) {
      w.add("ampgate_circuit_current_amperes", g, "Measured circuit current per phase.",
            {{"circuit", ci.id}, {"phase", phase_name(p)}}, ci.measured[p]);
      w.add("ampgate_circuit_limit_amperes", g, "Circuit limit per phase.", {{"circuit", ci.id}, {"phase", phase_name(p)}},
            ci.limit);
    }
  }
  for (const auto& ch : s.chargers) {
    w.add("ampgate_charger_setpoint_amperes", g, "Commanded current per phase (0 when paused).", {{"charger", ch.id}},
          ch.setpoint.run ? ch.setpoint.current : 0.0);
    w.add("ampgate_charger_setpoint_phases", g, "Commanded number of phases.", {{"charger", ch.id}},
          static_cast<double>(ch.setpoint.phases));
    for (std::size_t p = 0; p < 3; ++p) {
      w.add("ampgate_charger_current_amperes", g, "Current the charger reports per charger phase.",
            {{"charger", ch.id}, {"phase", phase_name(p)}}, ch.actual[p]);
    }
    w.add("ampgate_charger_power_watts", g, "Charging power.", {{"charger", ch.id}}, ch.power);
    w.add("ampgate_charger_reachable", g, "1 when the charger answers on its bus.", {{"charger", ch.id}},
          ch.reachable ? 1.0 : 0.0);
    w.add("ampgate_charger_session_energy_watthours", c, "Energy of the running session.", {{"charger", ch.id}},
          ch.session ? std::optional<double>(ch.session->energy_wh) : std::nullopt);
  }
  for (const auto& m : s.meters) {
    for (std::size_t p = 0; p < 3; ++p) {
      w.add("ampgate_meter_current_amperes", g, "Meter current per phase.", {{"meter", m.id}, {"phase", phase_name(p)}},
            m.current[p]);
    }
    w.add("ampgate_meter_power_watts", g, "Meter total power, positive = import.", {{"meter", m.id}}, m.total_power);
    w.add("ampgate_meter_age_seconds", g, "Seconds since the meter's last good reading.", {{"meter", m.id}}, m.age);
    w.add("ampgate_meter_fresh", g, "1 when the meter's reading is fresh, 0 when stale.", {{"meter", m.id}},
          m.fresh ? 1.0 : 0.0);
  }
  for (const auto& b : s.buses) {
    auto d = [](std::uint64_t v) { return std::optional<double>(static_cast<double>(v)); };
    w.add("ampgate_bus_requests_total", c, "Modbus requests sent.", {{"bus", b.id}}, d(b.requests));
    w.add("ampgate_bus_successes_total", c, "Modbus requests answered correctly.", {{"bus", b.id}}, d(b.successes));
    w.add("ampgate_bus_timeouts_total", c, "Modbus requests without an answer.", {{"bus", b.id}}, d(b.timeouts));
    w.add("ampgate_bus_bad_frames_total", c, "Answers with a bad CRC or length.", {{"bus", b.id}}, d(b.bad_frames));
    w.add("ampgate_bus_exceptions_total", c, "Modbus exception answers.", {{"bus", b.id}}, d(b.exceptions));
    w.add("ampgate_bus_error_ratio", g, "Share of recent requests that failed.", {{"bus", b.id}}, b.error_rate);
    w.add("ampgate_bus_busy_ratio", g, "Share of time the line was in use.", {{"bus", b.id}}, b.busy);
    w.add("ampgate_bus_latency_seconds", g, "Request latency quantiles.", {{"bus", b.id}, {"quantile", "0.5"}},
          b.latency_p50);
    w.add("ampgate_bus_latency_seconds", g, "Request latency quantiles.", {{"bus", b.id}, {"quantile", "0.99"}},
          b.latency_p99);
  }
  return w.text();
}

}  // namespace ampgate::api
