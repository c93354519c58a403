#include "gateway/daemon/snapshot.h"

#include <algorithm>

#include "gateway/daemon/reservation.h"

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

std::optional<policies::Reading> measured_reading(const ChargerRuntime& c, SteadyClock::time_point at) {
  const auto& st = c.driver->state();
  policies::Reading r;
  for (int i = 0; i < c.cfg.phases; ++i) {
    if (!st.current[i]) return std::nullopt;
    r.amps[i] = *st.current[i];
  }
  r.at = to_policy_seconds(at);
  return r;
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

ReservationInput reservation_input(const ChargerRuntime& c, const drivers::Capabilities& caps, SteadyClock::time_point now) {
  ReservationInput in;
  in.now = to_policy_seconds(now);
  in.started = to_policy_seconds(c.safety.started);
  in.read_since_start = c.ever_seen;
  in.consecutive_failures = c.status_failures;
  if (c.last_seen) in.last_seen = to_policy_seconds(*c.last_seen);
  in.commanded_known = c.commanded_known;
  in.commanded = c.commanded;
  in.commanded_certain = c.safety.commanded_certain && !c.safety.must_write;
  in.history = c.safety.history;
  in.max_current = c.cfg.max_current;
  in.wired_phases = c.cfg.phases;
  in.driver_programs_watchdog = caps.watchdog_programmable;
  in.watchdog_read_back = c.safety.watchdog_verified;
  in.car_follow_time = policies::PolicySettings{}.car_follow_time;
  return in;
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
    if (m && m->driver) c.sample_age = m->driver->sample_age();
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
    s.failsafe_current = c.safety.failsafe;  // what was programmed (lowered when the site's add up)
    s.watchdog_timeout = c.cfg.watchdog_timeout;
    s.priority = c.cfg.priority;
    s.mode = c.user.user_stopped ? policies::Mode::off : c.user.mode;
    s.mode_settings.eco_grid_current = c.user.mode_settings.eco_grid_current;
    s.mode_settings.eco_plus_start_surplus = c.user.mode_settings.eco_plus_start_surplus;
    s.session_start = c.session_start.value_or(to_policy_seconds(now));
    s.state = car_state(c);
    const auto worst = reservation_fields(reservation_input(c, caps, now));
    s.reachable = worst.reachable && c.reachable;
    s.last_seen = worst.last_seen;
    s.last_setpoint = worst.last_setpoint;
    s.setpoint_known = worst.setpoint_known;
    s.paused_first = c.paused_first();
    s.watchdog_verified = worst.watchdog_verified;
    s.recent_setpoints = worst.recent_setpoints;
    s.user_limit = c.user.user_limit;
    if (c.last_seen) s.reading = measured_reading(c, *c.last_seen);
    if (s.reading)
      for (const auto& r : c.readings)
        if (r.at < s.reading->at) s.earlier_readings.push_back(r);
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
