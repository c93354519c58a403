#include "gateway/config_tree.h"

#include <algorithm>
#include <sstream>

#include "gateway/config_driver.h"
#include "gateway/config_reader.h"

namespace ampgate::config {

double effective_limit(const Site& site, const std::string& circuit_id) {
  double limit = site.site.mains_fuse;
  std::string id = circuit_id;
  // Bounded walk: a validated tree has no cycles, but this must not hang on one either.
  for (std::size_t steps = 0; id != mains_circuit_id && steps <= site.circuits.size(); ++steps) {
    const Circuit* c = site.find_circuit(id);
    if (!c) break;
    limit = std::min(limit, c->limit);
    id = c->parent;
  }
  return std::max(0.0, limit - site.site.safety_margin);
}

namespace {

using detail::number_text;

std::string amps(double a) { return number_text(a) + " A"; }

std::string reach(const Site& site, const std::string& bus, int unit) {
  return "bus " + bus + " unit " + std::to_string(unit) + (site.find_bus(bus) ? "" : "?");
}

std::string meter_line(const Site& site, const Meter& m) {
  std::string out = "meter " + m.id + " (" + m.model + ", role " + to_string(m.role);
  if (!m.serial_port.empty()) out += ", P1 port " + m.serial_port;
  else if (!m.host.empty()) out += ", " + m.host + ":" + std::to_string(m.tcp_port);
  else out += ", " + reach(site, m.bus, m.unit);
  if (m.inverted) out += ", inverted";
  return out + ")";
}

std::string charger_line(const Site& site, const Charger& c) {
  std::string out = "charger " + c.id + " (" + c.model + ", " + reach(site, c.bus, c.unit) + ", " +
                    std::to_string(c.phases) + "-phase, ";
  if (c.phases == 1) {
    out += "on " + std::string(to_string(c.phase_map[0]));
  } else {
    out += "L1→" + std::string(to_string(c.phase_map[0])) + " L2→" + to_string(c.phase_map[1]) + " L3→" +
           to_string(c.phase_map[2]);
  }
  out += ", " + number_text(c.min_current) + "–" + amps(c.max_current) + ", mode " + to_string(c.mode);
  if (c.priority) out += ", priority " + std::to_string(c.priority);
  out += ", failsafe " + amps(c.failsafe_current) + " after " + number_text(c.watchdog_timeout) + " s)";
  // Class 2 of the safety review: say plainly what the gateway holds back for it.
  const auto facts = driver_facts(c);
  if (facts.error.empty()) out += "; when silent reserved at " + silent_reservation(c, facts.caps);
  return out;
}

void describe_circuit(const Site& site, const std::string& id, const std::string& indent, std::ostream& out,
                      std::size_t depth) {
  std::vector<std::string> lines;
  std::vector<const Circuit*> children;
  for (const auto& m : site.meters) {
    const bool here = (id == mains_circuit_id && m.id == site.site.mains_meter) ||
                      (id != mains_circuit_id && site.find_circuit(id) && site.find_circuit(id)->meter == m.id);
    if (here) lines.push_back(meter_line(site, m));
  }
  for (const auto& c : site.chargers)
    if (c.circuit == id) lines.push_back(charger_line(site, c));
  for (const auto& c : site.circuits)
    if (c.parent == id) children.push_back(&c);
  const std::size_t total = lines.size() + children.size();
  std::size_t n = 0;
  for (const auto& line : lines) {
    out << indent << (++n == total ? "└─ " : "├─ ") << line << "\n";
  }
  for (const Circuit* c : children) {
    const bool last = ++n == total;
    out << indent << (last ? "└─ " : "├─ ") << "circuit " << c->id << ": limit " << amps(c->limit)
        << ", effective " << amps(effective_limit(site, c->id)) << " per phase\n";
    if (depth < site.circuits.size()) describe_circuit(site, c->id, indent + (last ? "   " : "│  "), out, depth + 1);
  }
}

}  // namespace

std::string describe_site(const Site& site) {
  std::ostringstream out;
  const SiteInfo& s = site.site;
  out << "site \"" << s.name << "\": " << s.phases << "-phase, " << number_text(s.voltage) << " V, mains fuse "
      << amps(s.mains_fuse) << ", safety margin " << amps(s.safety_margin) << "\n";
  out << "mains: limit " << amps(s.mains_fuse) << ", effective " << amps(effective_limit(site, mains_circuit_id))
      << " per phase" << (s.mains_meter.empty() ? " (no mains meter: static sharing)" : "") << "\n";
  describe_circuit(site, mains_circuit_id, "", out, 0);

  std::vector<const Meter*> loose;
  for (const auto& m : site.meters) {
    bool placed = m.id == s.mains_meter ||
                  std::any_of(site.circuits.begin(), site.circuits.end(), [&](const Circuit& c) { return c.meter == m.id; });
    if (!placed) loose.push_back(&m);
  }
  if (!loose.empty()) {
    out << "other meters:\n";
    for (const Meter* m : loose) out << "  " << meter_line(site, *m) << "\n";
  }
  out << "buses:\n";
  for (const auto& b : site.buses) {
    out << "  " << b.id << ": ";
    if (const auto* rtu = std::get_if<RtuLink>(&b.link)) {
      out << "RTU " << rtu->port << " " << rtu->baud << " " << rtu->data_bits << to_string(rtu->parity)
          << rtu->stop_bits << (rtu->rs485 ? " rs485" : "") << ", timeout " << number_text(rtu->response_timeout)
          << " s\n";
    } else {
      const auto& tcp = std::get<TcpLink>(b.link);
      out << "TCP " << tcp.host << ":" << tcp.port << ", timeout " << number_text(tcp.timeout) << " s\n";
    }
  }
  const Policy& p = site.policy;
  out << "policy: sharing " << to_string(p.sharing) << ", phase mode " << to_string(p.phase_mode)
      << ", control period " << number_text(p.control_period) << " s, meter lost → "
      << (p.meter_lost_fallback > 0 ? amps(p.meter_lost_fallback) + " per phase" : std::string("pause")) << "\n";
  out << "api: " << site.api.listen << ":" << site.api.port << " (token " << site.api.token_file << ")\n";
  out << "storage: " << site.storage.database << ", " << site.storage.retention_days << " days\n";
  return out.str();
}

}  // namespace ampgate::config
