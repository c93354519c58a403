// Checks across sections, after every section is parsed: ids, references, unit ids per
// bus, the circuit tree and the phase layout.
#include <algorithm>
#include <map>
#include <set>

#include "gateway/config_models.h"
#include "gateway/config_parse.h"
#include "gateway/config_tree.h"

namespace ampgate::config::detail {

namespace {

struct Checker {
  Reader& r;
  Parsed& p;
  Site& s;

  Location at(const std::string& path, Location fallback) const { return r.where(path, fallback); }
  std::string line_of(const Location& l) const { return l.line ? " (line " + std::to_string(l.line) + ")" : ""; }

  template <typename T>
  void unique_ids(const std::vector<T>& items, const std::vector<std::string>& paths, const char* what) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].id.empty()) continue;
      auto [it, fresh] = first.emplace(items[i].id, i);
      if (!fresh) {
        r.report(at(paths[i] + ".id", items[i].where), paths[i] + ".id",
                 "duplicate " + std::string(what) + " id '" + items[i].id + "': " + paths[it->second] +
                     line_of(items[it->second].where) + " already uses it");
      }
    }
  }

  template <typename T>
  std::vector<std::string_view> ids_of(const std::vector<T>& items) const {
    std::vector<std::string_view> ids;
    for (const auto& x : items) ids.push_back(x.id);
    return ids;
  }

  // Reports a reference to a missing id; returns the referenced item otherwise.
  template <typename T>
  const T* lookup(const std::vector<T>& items, const std::string& id, const std::string& path, Location fallback,
                  const char* what) {
    if (id.empty()) return nullptr;
    for (const auto& x : items)
      if (x.id == id) return &x;
    auto ids = ids_of(items);
    std::string known;
    for (auto k : ids) known += (known.empty() ? "" : ", ") + std::string(k);
    r.report(at(path, fallback), path,
             "no " + std::string(what) + " with id '" + id + "'" + did_you_mean(id, ids) +
                 (known.empty() ? "; the site has none" : "; known: " + known));
    return nullptr;
  }

  // Modbus unit ids: 1–247 on RS485 (0 is broadcast); Modbus TCP devices such as KEBA and
  // Vestel answer on 255, so any 0–255 is fine there.
  void unit_range(const Bus& bus, int unit, const std::string& path, Location fallback) {
    if (std::holds_alternative<RtuLink>(bus.link) && (unit < 1 || unit > 247)) {
      r.report(at(path + ".unit", fallback), path + ".unit",
               "unit id " + std::to_string(unit) + " is outside 1–247 (RS485 bus '" + bus.id + "')");
    }
  }

  void buses_and_units() {
    std::map<std::pair<std::string, int>, std::string> used;  // (bus, unit) -> "meters[0] 'grid' (line 3)"
    auto claim = [&](const std::string& bus_id, int unit, const std::string& path, const std::string& id,
                     Location where) {
      auto [it, fresh] = used.emplace(std::make_pair(bus_id, unit), path + " '" + id + "'" + line_of(where));
      if (!fresh) {
        r.report(at(path + ".unit", where), path + ".unit",
                 "unit id " + std::to_string(unit) + " on bus '" + bus_id + "' is already used by " + it->second +
                     "; every device on a bus needs its own address");
      }
    };
    for (std::size_t i = 0; i < s.meters.size(); ++i) {
      const Meter& m = s.meters[i];
      const std::string& path = p.meter_paths[i];
      const ModelInfo* model = find_meter_model(m.model);
      if (!model || model->reach != Reach::modbus) continue;
      const Bus* bus = lookup(s.buses, m.bus, path + ".bus", m.where, "bus");
      if (!bus) continue;
      check_link(*bus, *model, path, m.where, "meter");
      if (r.reported(path + ".unit")) continue;
      unit_range(*bus, m.unit, path, m.where);
      claim(m.bus, m.unit, path, m.id, m.where);
    }
    for (std::size_t i = 0; i < s.chargers.size(); ++i) {
      const Charger& c = s.chargers[i];
      const std::string& path = p.charger_paths[i];
      const ModelInfo* model = find_charger_model(c.model);
      const Bus* bus = lookup(s.buses, c.bus, path + ".bus", c.where, "bus");
      if (!bus || !model) continue;
      check_link(*bus, *model, path, c.where, "charger");
      if (r.reported(path + ".unit")) continue;
      unit_range(*bus, c.unit, path, c.where);
      claim(c.bus, c.unit, path, c.id, c.where);
    }
  }

  void check_link(const Bus& bus, const ModelInfo& model, const std::string& path, Location where, const char* what) {
    const bool rtu = std::holds_alternative<RtuLink>(bus.link);
    if ((rtu && !model.on_rtu) || (!rtu && !model.on_tcp)) {
      r.report(at(path + ".bus", where), path + ".bus",
               "a " + std::string(model.name) + " " + what + " talks Modbus " + (model.on_tcp ? "TCP" : "RTU (RS485)") +
                   ", but bus '" + bus.id + "' is " + (rtu ? "an RS485 (rtu) bus" : "a Modbus TCP link"));
    }
  }

  void meters_and_roles() {
    const std::string mm_path = "site.mains_meter";
    if (const Meter* mm = lookup(s.meters, s.site.mains_meter, mm_path, s.site.where, "meter")) {
      if (mm->role != MeterRole::mains) {
        r.report(at(mm_path, s.site.where), mm_path,
                 "meter '" + mm->id + "' has role " + to_string(mm->role) + "; the mains meter needs role mains");
      }
    }
    std::map<std::string, std::string> meter_owner;  // meter id -> circuit path
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      const Circuit& c = s.circuits[i];
      const std::string path = p.circuit_paths[i] + ".meter";
      const Meter* m = lookup(s.meters, c.meter, path, c.where, "meter");
      if (!m) continue;
      if (m->role != MeterRole::circuit) {
        r.report(at(path, c.where), path,
                 "meter '" + m->id + "' has role " + to_string(m->role) + "; a circuit's meter needs role circuit");
      } else if (auto [it, fresh] = meter_owner.emplace(m->id, p.circuit_paths[i]); !fresh) {
        r.report(at(path, c.where), path, "meter '" + m->id + "' already measures " + it->second);
      }
    }
    for (std::size_t i = 0; i < s.meters.size(); ++i) {
      const Meter& m = s.meters[i];
      const std::string path = p.meter_paths[i] + ".role";
      if (!r.good(path)) continue;
      if (m.role == MeterRole::mains && !m.id.empty() && m.id != s.site.mains_meter) {
        r.report(at(path, m.where), path,
                 "meter '" + m.id + "' has role mains but site.mains_meter does not name it; add 'mains_meter: " +
                     m.id + "' to the site section");
      }
      if (m.role == MeterRole::circuit && !m.id.empty() && !meter_owner.count(m.id)) {
        r.report(at(path, m.where), path,
                 "meter '" + m.id + "' has role circuit but no circuit names it; add 'meter: " + m.id +
                     "' to the circuit it measures");
      }
    }
  }

  void circuit_tree() {
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      const Circuit& c = s.circuits[i];
      if (c.parent != mains_circuit_id)
        lookup(s.circuits, c.parent, p.circuit_paths[i] + ".parent", c.where, "circuit");
    }
    // A cycle is reported once, at its first circuit in file order.
    std::vector<bool> in_cycle(s.circuits.size(), false);
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      if (in_cycle[i] || s.circuits[i].id.empty()) continue;
      std::vector<std::size_t> chain{i};
      std::string id = s.circuits[i].parent;
      bool cycle = false;
      for (std::size_t steps = 0; steps <= s.circuits.size() && id != mains_circuit_id; ++steps) {
        auto it = std::find_if(s.circuits.begin(), s.circuits.end(), [&](const Circuit& c) { return c.id == id; });
        if (it == s.circuits.end()) break;
        std::size_t j = static_cast<std::size_t>(it - s.circuits.begin());
        if (j == i) {
          cycle = true;
          break;
        }
        if (std::find(chain.begin(), chain.end(), j) != chain.end()) break;  // a cycle above us
        chain.push_back(j);
        id = it->parent;
      }
      if (!cycle) continue;
      std::string loop;
      for (std::size_t j : chain) {
        loop += s.circuits[j].id + " → ";
        in_cycle[j] = true;
      }
      loop += s.circuits[i].id;
      const std::string path = p.circuit_paths[i] + ".parent";
      r.report(at(path, s.circuits[i].where), path,
               "circuits form a cycle (" + loop + "); every circuit must lead up to 'mains'");
    }
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      const Circuit& c = s.circuits[i];
      if (in_cycle[i] || c.limit <= 0) continue;
      double parent_limit = 0;
      if (c.parent == mains_circuit_id) {
        parent_limit = s.site.mains_fuse;
      } else if (const Circuit* parent = s.find_circuit(c.parent)) {
        parent_limit = parent->limit;
      }
      if (parent_limit > 0 && c.limit > parent_limit) {
        const std::string path = p.circuit_paths[i] + ".limit";
        r.report(at(path, c.where), path,
                 amps(c.limit) + " is above the limit of its parent '" + c.parent + "' (" + amps(parent_limit) +
                     "); a circuit cannot carry more than the one feeding it");
      }
    }
  }

  void chargers() {
    if (s.chargers.empty() && r.good("chargers")) {
      r.report(at("chargers", s.site.where), "chargers", "a site needs at least one charger to manage");
    }
    for (std::size_t i = 0; i < s.chargers.size(); ++i) {
      const Charger& c = s.chargers[i];
      const std::string& path = p.charger_paths[i];
      bool tree_ok = c.circuit == mains_circuit_id ||
                     lookup(s.circuits, c.circuit, path + ".circuit", c.where, "circuit") != nullptr;
      if (s.site.phases == 1 && r.good("site.phases")) {
        if (c.phases == 3) {
          r.report(at(path + ".phases", c.where), path + ".phases",
                   "a 3-phase charger on a 1-phase site: set 'phases: 1' (the site has only L1)");
        }
        if (r.saw(path + ".phase_map") && c.phase_map[0] != Phase::L1) {
          r.report(at(path + ".phase_map", c.where), path + ".phase_map",
                   "a 1-phase site has only L1; remove phase_map");
        }
      }
      const bool follows_sun = c.mode == Mode::solar || c.mode == Mode::eco || c.mode == Mode::eco_plus;
      if (r.good(path + ".mode") && follows_sun) {
        if (s.site.mains_meter.empty()) {
          r.report(at(path + ".mode", c.where), path + ".mode",
                   std::string("mode ") + to_string(c.mode) +
                       " follows the solar surplus at the grid connection, so it needs site.mains_meter");
        }
      }
      if (tree_ok && r.good("site.mains_fuse") && !r.reported(path + ".min_current")) {
        double eff = effective_limit(s, c.circuit);
        if (eff < c.min_current) {
          r.report(at(path + ".circuit", c.where), path + ".circuit",
                   "circuit '" + c.circuit + "' leaves " + amps(eff) +
                       " per phase after the safety margin, below this charger's min_current " + amps(c.min_current) +
                       ": it could never charge");
        }
      }
    }
  }

  void site_limits() {
    if (!r.good("site.mains_fuse")) return;  // the fuse itself is wrong; comparisons would mislead
    if (s.site.safety_margin >= s.site.mains_fuse) {
      r.report(at("site.safety_margin", s.site.where), "site.safety_margin",
               amps(s.site.safety_margin) + " leaves nothing of the mains fuse " + amps(s.site.mains_fuse));
    }
    if (s.policy.meter_lost_fallback > s.site.mains_fuse) {
      r.report(at("policy.meter_lost_fallback", s.policy.where), "policy.meter_lost_fallback",
               amps(s.policy.meter_lost_fallback) + " is above the mains fuse " + amps(s.site.mains_fuse));
    }
    if (s.site.phases == 1 && s.policy.phase_mode != PhaseMode::one) {
      r.report(at("policy.phase_mode", s.policy.where), "policy.phase_mode",
               "a 1-phase site cannot switch phases; use phase_mode: 1 or leave it out");
    }
  }

  static std::string amps(double a) { return number_text(a) + " A"; }
};

}  // namespace

void validate(Reader& r, Parsed& p) {
  Checker c{r, p, p.site};
  c.unique_ids(p.site.buses, p.bus_paths, "bus");
  c.unique_ids(p.site.meters, p.meter_paths, "meter");
  c.unique_ids(p.site.chargers, p.charger_paths, "charger");
  c.unique_ids(p.site.circuits, p.circuit_paths, "circuit");
  c.site_limits();
  c.buses_and_units();
  c.meters_and_roles();
  c.circuit_tree();
  c.chargers();
}

}  // namespace ampgate::config::detail
