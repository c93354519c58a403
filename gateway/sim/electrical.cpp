#include "gateway/sim/electrical.h"

#include <algorithm>
#include <cmath>

namespace ampgate::sim {

namespace {
constexpr double joules_per_kwh = 3.6e6;
}

ElectricalModel::ElectricalModel(const config::Site& site, const Scenario& scenario, double unix_start)
    : site_(site), scenario_(scenario), unix_start_(unix_start), ev_energy_(scenario.evs.size(), 0.0) {
  circuit_ids_.push_back(config::mains_circuit_id);
  for (const auto& c : site.circuits) circuit_ids_.push_back(c.id);
  parents_.push_back(-1);
  for (const auto& c : site.circuits) parents_.push_back(circuit_index(c.parent));
  currents_.assign(circuit_ids_.size(), PhaseAmps{0, 0, 0});
  for (const auto& c : site.chargers) {
    ChargerSlot slot;
    slot.config = &c;
    slot.state.voltage = site.site.voltage;
    chargers_[c.id] = slot;
  }
  for (const auto& m : site.meters) {
    MeterSlot slot;
    slot.config = &m;
    if (m.id == site.site.mains_meter || m.role == config::MeterRole::mains) slot.circuit = 0;
    for (std::size_t i = 0; i < site.circuits.size(); ++i)
      if (site.circuits[i].meter == m.id) slot.circuit = static_cast<int>(i + 1);
    slot.solar = m.role == config::MeterRole::solar;
    meters_[m.id] = slot;
  }
}

int ElectricalModel::circuit_index(const std::string& id) const {
  auto it = std::find(circuit_ids_.begin(), circuit_ids_.end(), id);
  return it == circuit_ids_.end() ? 0 : static_cast<int>(it - circuit_ids_.begin());  // unknown: under the mains
}

int ElectricalModel::active_ev(const std::string& charger, double now) const {
  for (std::size_t i = 0; i < scenario_.evs.size(); ++i) {
    const auto& ev = scenario_.evs[i];
    if (ev.charger == charger && now >= ev.plug_in && (!ev.plug_out || now < *ev.plug_out)) return static_cast<int>(i);
  }
  return -1;
}

void ElectricalModel::step(double now, double dt, const std::map<std::string, Drive>& drives) {
  now_ = now;
  const double volts = site_.site.voltage;
  for (auto& c : currents_) c = {0, 0, 0};

  for (auto& [id, slot] : chargers_) {
    auto& st = slot.state;
    const int ev = active_ev(id, now);
    if (ev != slot.ev) {  // plugged in, out, or another car: a new session
      slot.ev = ev;
      st.session_kwh = 0;
      st.session_seconds = 0;
      st.plugged_seconds = 0;
      slot.pending.clear();
      slot.followed = {};
      slot.draw = 0;
      if (ev >= 0) ++st.plug_ins;
    } else {
      st.plugged_seconds += dt;
    }
    st.time = now;
    st.voltage = volts;
    st.plugged = ev >= 0;
    st.amps = {0, 0, 0};
    st.charging = false;
    st.finished = false;
    if (ev >= 0) {
      const auto& car = scenario_.evs[static_cast<std::size_t>(ev)];
      auto it = drives.find(id);
      const Drive drive = it == drives.end() ? Drive{0.0, 0, 0} : it->second;
      st.finished = ev_energy_[static_cast<std::size_t>(ev)] >= car.energy_wanted;
      follow(slot, car, drive, now, dt);
      const double amps = st.finished ? 0.0 : slot.draw;
      int on = 0;
      for (std::size_t k = 0; k < 3 && amps > 0; ++k)
        if ((slot.followed.lines >> k) & 1) {
          st.amps[k] = amps;
          ++on;
        }
      const double kwh = volts * amps * on * dt / joules_per_kwh;
      if (amps > 0 && on > 0) {
        st.charging = true;
        ev_energy_[static_cast<std::size_t>(ev)] += kwh;
        st.session_kwh += kwh;
        st.total_kwh += kwh;
        st.session_seconds += dt;
      }
    }
    st.offered = slot.followed.amps;
    st.power_w = volts * (st.amps[0] + st.amps[1] + st.amps[2]);
    // Land the charger's own phases on the site's and add them up the tree.
    PhaseAmps site_amps{0, 0, 0};
    for (std::size_t k = 0; k < 3; ++k) site_amps[static_cast<std::size_t>(slot.config->phase_map[k])] += st.amps[k];
    // Bounded walk: the config loader rejects cycles, but a hand-built site might not.
    int c = circuit_index(slot.config->circuit);
    for (std::size_t hops = 0; c >= 0 && hops <= circuit_ids_.size(); c = parents_[static_cast<std::size_t>(c)], ++hops)
      for (std::size_t p = 0; p < 3; ++p) currents_[static_cast<std::size_t>(c)][p] += site_amps[p];
  }

  const auto household = scenario_.household.at(now);
  const auto solar = scenario_.solar.at(now);
  for (std::size_t p = 0; p < 3; ++p) currents_[0][p] += household[p] - solar[p];

  for (auto& [id, m] : meters_) {
    if (m.solar) {
      for (std::size_t p = 0; p < 3; ++p) m.amps[p] = -solar[p];
    } else if (m.circuit >= 0) {
      m.amps = currents_[static_cast<std::size_t>(m.circuit)];
    } else {
      m.amps = {0, 0, 0};  // an EV meter is not tied to a charger in the site model
    }
    if (m.config->inverted)
      for (auto& a : m.amps) a = -a;
    for (std::size_t p = 0; p < 3; ++p) {
      const double kwh = volts * m.amps[p] * dt / joules_per_kwh;
      (kwh >= 0 ? m.import_kwh[p] : m.export_kwh[p]) += std::fabs(kwh);
    }
  }
}

// A car takes `lag` seconds to follow a new offer (IEC 61851 allows it up to 5 s), then
// lowers its draw at once or raises it at its ramp rate; below 6 A it draws nothing.
void ElectricalModel::follow(ChargerSlot& slot, const Ev& car, const Drive& drive, double now, double dt) {
  Offer want{now, 0.0, 0};
  const double amps = std::min(drive.limit, car.max_current);
  if (amps >= min_charge_current && drive.phases > 0) {
    // The car's phases land on the first lines the charger gives it (a 1-phase car: one).
    const int phases = std::min({car.phases, drive.phases, slot.config->phases});
    int taken = 0;
    for (std::size_t k = 0; k < 3 && taken < phases; ++k)
      if (((drive.lines >> k) & 1) && static_cast<int>(k) < slot.config->phases) {
        want.lines = static_cast<std::uint8_t>(want.lines | (1u << k));
        ++taken;
      }
    if (want.lines != 0) want.amps = amps;
  }
  const Offer& last = slot.pending.empty() ? slot.followed : slot.pending.back();
  if (!(want == last)) {
    want.at = now + car.lag.value_or(scenario_.car_lag);
    slot.pending.push_back(want);
  }
  while (!slot.pending.empty() && slot.pending.front().at <= now) {
    slot.followed = slot.pending.front();
    slot.pending.pop_front();
  }
  const double target = slot.followed.amps;
  const double ramp = car.ramp.value_or(scenario_.car_ramp);
  if (target <= slot.draw || ramp <= 0) {
    slot.draw = target;
  } else {
    slot.draw = std::min(target, std::max(min_charge_current, slot.draw + ramp * dt));
  }
}

MeterState ElectricalModel::meter(const std::string& id) const {
  const auto& m = meters_.at(id);
  MeterState s;
  s.time = now_;
  s.unix_time = unix_start_ + now_;
  s.amps = m.amps;
  for (std::size_t p = 0; p < 3; ++p) {
    s.voltage[p] = site_.site.phases == 1 && p > 0 ? 0.0 : site_.site.voltage;
    s.power_w[p] = s.voltage[p] * m.amps[p];
  }
  s.import_kwh = m.import_kwh;
  s.export_kwh = m.export_kwh;
  return s;
}

const PhaseAmps* ElectricalModel::circuit_current(const std::string& id) const {
  auto it = std::find(circuit_ids_.begin(), circuit_ids_.end(), id);
  return it == circuit_ids_.end() ? nullptr : &currents_[static_cast<std::size_t>(it - circuit_ids_.begin())];
}

}  // namespace ampgate::sim
