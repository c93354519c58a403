#include "gateway/config.h"

#include <algorithm>

namespace ampgate::config {

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

const char* to_string(Parity p) {
  switch (p) {
    case Parity::none: return "N";
    case Parity::even: return "E";
    case Parity::odd: return "O";
  }
  return "?";
}

const char* to_string(MeterRole r) {
  switch (r) {
    case MeterRole::mains: return "mains";
    case MeterRole::circuit: return "circuit";
    case MeterRole::ev: return "ev";
    case MeterRole::solar: return "solar";
  }
  return "?";
}

namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Bus* Site::find_bus(const std::string& id) const { return find_by_id(buses, id); }
const Meter* Site::find_meter(const std::string& id) const { return find_by_id(meters, id); }
const Charger* Site::find_charger(const std::string& id) const { return find_by_id(chargers, id); }
const Circuit* Site::find_circuit(const std::string& id) const { return find_by_id(circuits, id); }

double Site::circuit_limit(const std::string& id) const {
  if (id == mains_circuit_id) return site.mains_fuse;
  const Circuit* c = find_circuit(id);
  return c ? c->limit : 0.0;
}

}  // namespace ampgate::config
