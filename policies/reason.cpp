#include "policies/allocation.h"

namespace ampgate::policies {

const char* to_string(Phase p) {
  switch (p) {
    case Phase::L1: return "L1";
    case Phase::L2: return "L2";
    case Phase::L3: return "L3";
  }
  return "?";
}

const char* to_string(Mode m) {
  switch (m) {
    case Mode::off: return "off";
    case Mode::fast: return "fast";
    case Mode::eco: return "eco";
    case Mode::eco_plus: return "eco_plus";
    case Mode::solar: return "solar";
  }
  return "?";
}

const char* to_string(Sharing s) { return s == Sharing::equal ? "equal" : "priority"; }

const char* to_string(PhaseMode m) {
  switch (m) {
    case PhaseMode::one: return "1";
    case PhaseMode::three: return "3";
    case PhaseMode::mixed: return "mixed";
  }
  return "?";
}

namespace {
std::string circuit_name(const std::string& id) {
  return id == mains_id ? std::string(mains_id) : "circuit " + id;
}
}  // namespace

std::string to_string(const Reason& r) {
  switch (r.kind) {
    case ReasonKind::fuse:
      return circuit_name(r.circuit) + (r.phase ? std::string(" ") + to_string(*r.phase) : "");
    case ReasonKind::meter_stale:
      return r.circuit == mains_id || r.circuit.empty() ? "meter stale" : "meter stale " + r.circuit;
    case ReasonKind::sum_limit: return "sum limit";
    case ReasonKind::external_limit: return "external limit";
    case ReasonKind::priority: return "priority";
    case ReasonKind::solar_surplus: return "solar surplus";
    case ReasonKind::solar_hold: return "solar hold";
    case ReasonKind::waiting_for_surplus: return "waiting for surplus";
    case ReasonKind::no_surplus_meter: return "no surplus meter";
    case ReasonKind::eco_minimum: return "eco minimum";
    case ReasonKind::ev_max: return "ev max";
    case ReasonKind::charger_max: return "charger max";
    case ReasonKind::user_limit: return "user limit";
    case ReasonKind::mode_off: return "mode off";
    case ReasonKind::no_car: return "no car";
    case ReasonKind::charger_fault: return "charger fault";
    case ReasonKind::unreachable: return "unreachable";
    case ReasonKind::min_above_max: return "min above max";
    case ReasonKind::invalid_charger: return "invalid charger";
    case ReasonKind::invalid_site: return "invalid site";
  }
  return "?";
}

const ChargerSetpoint* Allocation::find(const std::string& id) const {
  for (const auto& s : setpoints)
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace ampgate::policies
