#include "gateway/daemon/snapshot.h"

#include <algorithm>

namespace ampgate::gateway {

policies::Seconds to_policy_seconds(SteadyClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::optional<policies::Reading> meter_currents(const MeterRuntime& meter, int site_phases, SteadyClock::time_point now,
                                                std::chrono::duration<double> stale_after) {
  if (!meter.driver) return std::nullopt;
  auto reading = meter.driver->reading();
  policies::Reading out;
  std::optional<SteadyClock::time_point> oldest;
  for (int i = 0; i < site_phases; ++i) {
    const auto& sample = reading.current[i];
    if (!sample || now - sample->at > stale_after) return std::nullopt;
    out.amps[i] = sample->value;
    if (!oldest || sample->at < *oldest) oldest = sample->at;
  }
  out.at = to_policy_seconds(*oldest);
  return out;
}

namespace {

policies::CarState car_state(const ChargerRuntime& c) {
  const auto& s = c.driver->state();
  if (!s.errors.empty()) return policies::CarState::fault;
  switch (s.iec) {
    case drivers::IecState::A: return policies::CarState::disconnected;
    case drivers::IecState::B: return policies::CarState::connected;
    case drivers::IecState::C:
    case drivers::IecState::D: return policies::CarState::charging;
    case drivers::IecState::E:
    case drivers::IecState::F: return policies::CarState::fault;
    case drivers::IecState::unknown: break;
  }
  // Unknown while reachable (never read yet): treat as a car that may draw, so its share is
  // reserved rather than handed to others.
  return policies::CarState::connected;
}

policies::Phase to_policy(config::Phase p) { return static_cast<policies::Phase>(static_cast<int>(p)); }

policies::CircuitSnapshot circuit(const SiteRuntime& rt, const std::string& id, const std::string& parent, double limit,
                                  const std::string& meter_id, SteadyClock::time_point now) {
  policies::CircuitSnapshot c;
  c.id = id;
  c.parent = parent;
  c.limit = limit;
  c.metered = !meter_id.empty();
  if (c.metered) {
    const auto* m = rt.find_meter(meter_id);
    auto stale_after = std::chrono::duration<double>(rt.site().policy.meter_stale_after);
    if (m) c.reading = meter_currents(*m, rt.site().site.phases, now, stale_after);
  }
  return c;
}

}  // namespace

policies::SiteSnapshot build_snapshot(const SiteRuntime& rt, SteadyClock::time_point now,
                                      const std::optional<policies::ExternalLimit>& external) {
  const auto& site = rt.site();
  policies::SiteSnapshot snap;
  snap.circuits.push_back(circuit(rt, config::mains_circuit_id, "", site.site.mains_fuse, site.site.mains_meter, now));
  for (const auto& c : site.circuits) snap.circuits.push_back(circuit(rt, c.id, c.parent, c.limit, c.meter, now));

  for (const auto& c : rt.chargers()) {
    policies::ChargerSnapshot s;
    s.id = c.cfg.id;
    s.circuit = c.cfg.circuit;
    s.wired_phases = c.cfg.phases;
    auto caps = c.driver->capabilities();
    s.can_switch_phases = caps.can_switch_phases && c.cfg.phases == 3;
    for (int i = 0; i < 3; ++i) s.phase_map[i] = to_policy(c.cfg.phase_map[i]);
    s.min_current = std::max(c.cfg.min_current, caps.min_current);
    s.max_current = std::min(c.cfg.max_current, caps.max_current);
    s.failsafe_current = c.cfg.failsafe_current;
    s.watchdog_timeout = c.cfg.watchdog_timeout;
    s.priority = c.cfg.priority;
    s.mode = c.user_stopped ? policies::Mode::off : c.mode;
    s.mode_settings.eco_grid_current = c.mode_settings.eco_grid_current;
    s.mode_settings.eco_plus_start_surplus = c.mode_settings.eco_plus_start_surplus;
    s.session_start = c.session_start.value_or(to_policy_seconds(now));
    s.state = car_state(c);
    s.reachable = c.reachable && c.ever_seen;
    s.last_seen = c.last_seen ? to_policy_seconds(*c.last_seen) : 0.0;
    s.last_setpoint = c.commanded;
    s.user_limit = c.user_limit;
    // Measured currents per charger phase, only when every wired phase was reported.
    const auto& st = c.driver->state();
    bool complete = c.last_seen.has_value();
    policies::Reading r;
    for (int i = 0; i < c.cfg.phases; ++i) {
      if (!st.current[i]) complete = false;
      else r.amps[i] = *st.current[i];
    }
    if (complete) {
      r.at = to_policy_seconds(*c.last_seen);
      s.reading = r;
    }
    snap.chargers.push_back(std::move(s));
  }

  const auto& p = site.policy;
  auto& ps = snap.policy;
  ps.sharing = p.sharing == config::Sharing::equal ? policies::Sharing::equal : policies::Sharing::priority;
  ps.phase_mode = p.phase_mode == config::PhaseMode::one     ? policies::PhaseMode::one
                  : p.phase_mode == config::PhaseMode::three ? policies::PhaseMode::three
                                                             : policies::PhaseMode::mixed;
  ps.safety_margin = site.site.safety_margin;
  ps.meter_stale_after = p.meter_stale_after;
  ps.meter_lost_fallback = p.meter_lost_fallback;
  ps.solar_stop_delay = p.solar_stop_delay;
  ps.solar_start_delay = p.solar_start_delay;
  ps.phase_switch_hysteresis = p.phase_switch_hysteresis;
  ps.phase_switch_min_dwell = p.phase_switch_min_dwell;
  ps.max_sum_mains = site.site.max_sum_mains;
  ps.max_sum_mains_grace = site.site.max_sum_mains_grace;
  snap.external = external;
  return snap;
}

}  // namespace ampgate::gateway
