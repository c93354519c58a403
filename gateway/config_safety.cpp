// The site file against the one rule: what each charger's driver can really do (pause,
// watchdog, its largest current) and what the fuses carry when every charger falls back
// at once (gateway stopped, crashed, bus lost) or a meter goes silent.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "gateway/config_driver.h"
#include "gateway/config_models.h"
#include "gateway/config_parse.h"

namespace ampgate::config::detail {

namespace {

std::string amps(double a) { return number_text(a) + " A"; }

struct SafetyChecker {
  Reader& r;
  Parsed& p;
  Site& s;

  Location at(const std::string& path, Location fallback) const { return r.where(path, fallback); }

  // Pause, watchdog and device limits of one charger, as its driver reports them.
  void charger(std::size_t i) {
    Charger& c = s.chargers[i];
    const std::string& path = p.charger_paths[i];
    const ModelInfo* model = find_charger_model(c.model);
    if (!model || r.reported(path + ".model") || r.reported(path + ".registers")) return;
    if (r.reported(path + ".min_current") || r.reported(path + ".max_current")) return;

    if (model->needs_registers && c.generic && !c.generic->count("enable") && !c.pause_with_zero) {
      r.report(at(path + ".registers", c.where), path + ".registers",
               "no way to pause this charger: add an 'enable' register (written 0 to pause, 1 to charge), or set "
               "'pause_with_zero: true' when current_setpoint takes 0 A");
      return;
    }
    if (model->needs_registers && c.generic &&
        c.generic->count("watchdog_timeout") != c.generic->count("failsafe_current")) {
      r.report(at(path + ".registers", c.where), path + ".registers",
               "a watchdog needs both registers: give watchdog_timeout and failsafe_current, or neither");
      return;
    }
    const DriverFacts facts = driver_facts(c);
    if (!facts.error.empty()) {
      r.report(at(path + ".registers", c.where), path + (model->needs_registers ? ".registers" : ""), facts.error);
      return;
    }
    const drivers::Capabilities& caps = facts.caps;
    if (!caps.can_pause) {
      r.report(at(path + ".model", c.where), path + ".model",
               "a " + c.model + " cannot pause on command, so the gateway could not take current back from it");
    }
    // Issue 18: a minimum the charger can never reach pauses it for good.
    if (c.min_current > caps.max_current) {
      r.report(at(path + ".min_current", c.where), path + ".min_current",
               amps(c.min_current) + " is above the most this " + c.model + " can deliver, " + amps(caps.max_current) +
                   ": it could never charge; lower min_current to at most " + amps(caps.max_current));
    }
    watchdog(c, path, caps);
  }

  // Class 2: the file may not claim a watchdog the driver cannot program.
  void watchdog(Charger& c, const std::string& path, const drivers::Capabilities& caps) {
    const bool gave_failsafe = r.saw(path + ".failsafe_current") && r.good(path + ".failsafe_current");
    const bool gave_timeout = r.saw(path + ".watchdog_timeout") && r.good(path + ".watchdog_timeout");
    if (caps.fixed_watchdog_timeout) return fixed_watchdog(c, path, caps, gave_failsafe, gave_timeout);
    if (!caps.has_watchdog) {
      if (gave_failsafe && c.failsafe_current > 0) {
        r.report(at(path + ".failsafe_current", c.where), path + ".failsafe_current",
                 "this " + c.model + " has no watchdog, so it never falls back to " + amps(c.failsafe_current) +
                     "; remove failsafe_current" +
                     (c.model == "generic" ? " or add watchdog_timeout and failsafe_current registers" : ""));
      }
      if (gave_timeout) {
        r.report(at(path + ".watchdog_timeout", c.where), path + ".watchdog_timeout",
                 "this " + c.model + " has no watchdog to program; remove watchdog_timeout" +
                     (c.model == "generic" ? " or add watchdog_timeout and failsafe_current registers" : ""));
      }
    }
  }

  void fixed_watchdog(Charger& c, const std::string& path, const drivers::Capabilities& caps, bool gave_failsafe,
                      bool gave_timeout) {
    const double fixed = *caps.fixed_watchdog_timeout;
    const double fallback = caps.failsafe_current.value_or(0.0);
    if (gave_failsafe && std::abs(c.failsafe_current - fallback) > 1e-9) {
      r.report(at(path + ".failsafe_current", c.where), path + ".failsafe_current",
               "a " + c.model + "'s watchdog is fixed and falls back to " + amps(fallback) +
                   "; remove failsafe_current or set it to " + number_text(fallback));
    }
    if (gave_timeout && std::abs(c.watchdog_timeout - fixed) > 1e-9) {
      r.report(at(path + ".watchdog_timeout", c.where), path + ".watchdog_timeout",
               "a " + c.model + "'s watchdog is fixed at " + number_text(fixed) +
                   " s; remove watchdog_timeout or set it to " + number_text(fixed));
    }
    // What the device really does is what the gateway reserves for.
    c.watchdog_timeout = fixed;
    c.failsafe_current = fallback;
  }

  // The circuit ids from `id` up to the mains, bounded (cycles were reported already).
  std::vector<std::string> chain(const std::string& id) const {
    std::vector<std::string> out;
    std::string at_id = id;
    for (std::size_t steps = 0; steps <= s.circuits.size() + 1; ++steps) {
      out.push_back(at_id);
      if (at_id == mains_circuit_id) return out;
      const Circuit* c = s.find_circuit(at_id);
      if (!c) return {};
      at_id = c->parent;
    }
    return {};
  }

  // Class 1: when the gateway goes quiet every charger falls back at once.
  void failsafe_sums() {
    struct Share {
      std::string charger;
      double amps;
    };
    std::map<std::string, std::array<std::vector<Share>, 3>> below;  // circuit -> site phase -> chargers
    for (const auto& c : s.chargers) {
      if (c.failsafe_current <= 0) continue;
      for (const auto& id : chain(c.circuit)) {
        auto& phases = below[id];
        if (c.phases == 1) {
          phases[static_cast<std::size_t>(c.phase_map[0])].push_back({c.id, c.failsafe_current});
        } else {
          for (Phase ph : c.phase_map) phases[static_cast<std::size_t>(ph)].push_back({c.id, c.failsafe_current});
        }
      }
    }
    const double margin = s.site.safety_margin;
    auto check = [&](const std::string& id, double limit, const std::string& path, Location where) {
      auto it = below.find(id);
      if (it == below.end()) return;
      for (std::size_t ph = 0; ph < 3; ++ph) {
        double sum = 0;
        std::string who;
        for (const auto& share : it->second[ph]) {
          sum += share.amps;
          who += (who.empty() ? "" : ", ") + share.charger + " " + amps(share.amps);
        }
        if (sum <= limit - margin + 1e-9) continue;
        r.report(where, path,
                 "failsafe currents below '" + id + "' add up to " + amps(sum) + " on " +
                     to_string(static_cast<Phase>(ph)) + " (" + who + ") above the limit " + amps(limit) +
                     " - margin " + amps(margin) + "; lower failsafe_current");
        return;  // one line per circuit: the fix is the same for every phase
      }
    };
    if (r.good("site.mains_fuse"))
      check(mains_circuit_id, s.site.mains_fuse, "site.mains_fuse", at("site.mains_fuse", s.site.where));
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      const Circuit& c = s.circuits[i];
      if (c.limit <= 0 || r.reported(p.circuit_paths[i])) continue;
      check(c.id, c.limit, p.circuit_paths[i], c.where);
    }
  }

  // Class 12: the margin and the fallback for a silent meter, per metered circuit.
  void margin_and_fallback() {
    const double margin = s.site.safety_margin;
    const double fallback = s.policy.meter_lost_fallback;
    const bool margin_ok = r.good("site.safety_margin") || !r.saw("site.safety_margin");
    const bool fallback_ok = r.good("policy.meter_lost_fallback") && !r.reported("policy.meter_lost_fallback");
    auto one = [&](const std::string& id, double limit, bool metered) {
      // The mains' own "leaves nothing" is reported with the site section.
      if (margin_ok && margin > 0 && margin >= limit && id != mains_circuit_id) {
        r.report(at("site.safety_margin", s.site.where), "site.safety_margin",
                 amps(margin) + " leaves nothing of the limit " + amps(limit) + " of '" + id +
                     "'; lower safety_margin");
        return;
      }
      if (!metered || !fallback_ok || fallback <= 0) return;
      const double usable = limit - margin;
      if (fallback > usable + 1e-9) {
        r.report(at("policy.meter_lost_fallback", s.policy.where), "policy.meter_lost_fallback",
                 amps(fallback) + " is above what '" + id + "' allows, " + amps(limit) + " - margin " + amps(margin) +
                     "; lower meter_lost_fallback");
      } else if (usable - fallback < limit / 2) {
        r.warn(at("policy.meter_lost_fallback", s.policy.where), "policy.meter_lost_fallback",
               "warning: while the meter of '" + id + "' is silent its chargers may take " + amps(fallback) +
                   ", leaving " + amps(usable - fallback) + " of its " + amps(limit) +
                   " for the rest of the load (less than half); lower meter_lost_fallback");
      }
    };
    if (r.good("site.mains_fuse"))
      one(mains_circuit_id, s.site.mains_fuse, !s.site.mains_meter.empty());
    for (std::size_t i = 0; i < s.circuits.size(); ++i) {
      const Circuit& c = s.circuits[i];
      if (c.limit <= 0) continue;
      one(c.id, c.limit, !c.meter.empty());
    }
  }
};

}  // namespace

void validate_safety(Reader& r, Parsed& p) {
  SafetyChecker c{r, p, p.site};
  for (std::size_t i = 0; i < p.site.chargers.size(); ++i) c.charger(i);
  c.failsafe_sums();
  c.margin_and_fallback();
}

}  // namespace ampgate::config::detail
