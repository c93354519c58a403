#include "gateway/daemon/failsafe_plan.h"

#include <cmath>
#include <sstream>

namespace ampgate::gateway {

namespace {

// Charger j is below circuit k (its own circuit or an ancestor).
bool below(const std::vector<FailsafeCircuit>& circuits, const std::string& of, const std::string& circuit) {
  std::string at = of;
  for (std::size_t hops = 0; hops <= circuits.size(); ++hops) {
    if (at == circuit) return true;
    std::string parent;
    bool found = false;
    for (const auto& c : circuits)
      if (c.id == at) {
        parent = c.parent;
        found = true;
      }
    if (!found || parent.empty()) return false;
    at = parent;
  }
  return false;  // a cycle: the loader rejects it; nothing is below anything here
}

std::string amps(double a) {
  std::ostringstream s;
  s << a;
  return s.str();
}

}  // namespace

FailsafePlan safe_failsafes(const std::vector<FailsafeCircuit>& circuits, const std::vector<FailsafeCharger>& chargers,
                            double margin) {
  FailsafePlan plan;
  for (const auto& c : chargers) plan.failsafe.push_back(std::isfinite(c.failsafe) && c.failsafe > 0 ? c.failsafe : 0.0);
  const double keep = std::isfinite(margin) && margin > 0 ? margin : 0.0;
  for (const auto& circuit : circuits) {
    const double limit = std::isfinite(circuit.limit) ? std::max(0.0, circuit.limit - keep) : 0.0;
    for (int p = 0; p < 3; ++p) {
      auto on_phase = [&](std::size_t j) {
        const auto& c = chargers[j];
        const int used = c.wired_phases == 1 ? 1 : 3;
        for (int i = 0; i < used; ++i)
          if (policies::phase_index(c.phase_map[i]) == p) return true;
        return false;
      };
      std::vector<std::size_t> under;
      for (std::size_t j = 0; j < chargers.size(); ++j)
        if (on_phase(j) && below(circuits, chargers[j].circuit, circuit.id)) under.push_back(j);
      double sum = 0;
      for (auto j : under) sum += plan.failsafe[j];
      if (sum <= limit + 1e-9) continue;
      const std::string why = "circuit " + circuit.id + " " + policies::to_string(static_cast<policies::Phase>(p)) +
                              ": failsafes add up to " + amps(sum) + " A, limit " + amps(circuit.limit) +
                              " A - margin " + amps(keep) + " A";
      // Lower the largest first: each step lowers one failsafe, so this ends.
      while (sum > limit + 1e-9) {
        std::size_t big = under.front();
        for (auto j : under)
          if (plan.failsafe[j] > plan.failsafe[big]) big = j;
        double lowered = std::floor(plan.failsafe[big] - (sum - limit));
        if (lowered < chargers[big].min_current) lowered = 0;
        sum -= plan.failsafe[big] - lowered;
        plan.failsafe[big] = lowered;
        bool noted = false;
        for (auto& ch : plan.changes)
          if (ch.charger == chargers[big].id) {
            ch.programmed = lowered;
            noted = true;
          }
        if (!noted) plan.changes.push_back({chargers[big].id, chargers[big].failsafe, lowered, why});
      }
    }
  }
  return plan;
}

}  // namespace ampgate::gateway
