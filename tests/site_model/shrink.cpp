#include "tests/site_model/shrink.h"

#include <algorithm>

#include "tests/site_model/run.h"

namespace ampgate::site_model {
namespace {

bool fails(const Scenario& s, int& budget) {
  --budget;
  try {
    return run_scenario(s).violation.has_value();
  } catch (const std::exception&) {
    return false;  // an inconsistent candidate (a dangling target) is not a smaller case
  }
}

Scenario without_charger(const Scenario& s, std::size_t i) {
  Scenario t = s;
  const std::string id = t.chargers[i].id;
  t.chargers.erase(t.chargers.begin() + static_cast<std::ptrdiff_t>(i));
  std::erase_if(t.events, [&](const Event& e) { return e.target == id; });
  return t;
}

Scenario without_circuit(const Scenario& s, std::size_t i) {
  Scenario t = s;
  const std::string id = t.circuits[i].id;
  for (const auto& c : t.circuits)
    if (c.parent == id) return s;
  for (const auto& c : t.chargers)
    if (c.circuit == id) return s;
  t.circuits.erase(t.circuits.begin() + static_cast<std::ptrdiff_t>(i));
  std::erase_if(t.events, [&](const Event& e) { return e.target == id; });
  return t;
}

}  // namespace

Scenario shrink(const Scenario& failing, int budget) {
  Scenario best = failing;
  bool progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (std::size_t i = 0; i < best.events.size() && budget > 0; ++i) {
      Scenario t = best;
      t.events.erase(t.events.begin() + static_cast<std::ptrdiff_t>(i));
      if (fails(t, budget)) { best = t; progress = true; --i; }
    }
    for (std::size_t i = 0; i < best.chargers.size() && best.chargers.size() > 1 && budget > 0; ++i) {
      Scenario t = without_charger(best, i);
      if (fails(t, budget)) { best = t; progress = true; --i; }
    }
    for (std::size_t i = 1; i < best.circuits.size() && budget > 0; ++i) {
      Scenario t = without_circuit(best, i);
      if (t.circuits.size() < best.circuits.size() && fails(t, budget)) { best = t; progress = true; --i; }
    }
    // A shorter run that still fails.
    if (const auto r = run_scenario(best); r.violation && r.violation->at + 10 < best.duration) {
      best.duration = r.violation->at + 10;
      std::erase_if(best.events, [&](const Event& e) { return e.at >= best.duration; });
    }
  }
  best.description = "shrunk from: " + failing.description;
  return best;
}

}  // namespace ampgate::site_model
