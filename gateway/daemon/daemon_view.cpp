// Builds the daemon's published view (gateway/view/view.h) after every decided period, from
// the runtime, the session tracker and the last allocation: limits, household estimates and
// their ages are the allocation's, never recomputed here.
#include "gateway/daemon/daemon_view.h"

#include <algorithm>

#include "gateway/daemon/snapshot.h"

namespace ampgate::gateway {

using view::BusView;
using view::ChargerView;
using view::CircuitView;
using view::HouseholdView;
using view::MeterView;
using view::PerPhase;
using view::PilotState;
using view::SessionInfo;
using view::SiteView;
using view::WallClock;
using view::WallTime;

namespace {

config::Mode to_config(policies::Mode m) {
  switch (m) {
    case policies::Mode::off: return config::Mode::off;
    case policies::Mode::fast: return config::Mode::fast;
    case policies::Mode::eco: return config::Mode::eco;
    case policies::Mode::eco_plus: return config::Mode::eco_plus;
    case policies::Mode::solar: return config::Mode::solar;
  }
  return config::Mode::off;
}

PilotState to_pilot(drivers::IecState s) {
  switch (s) {
    case drivers::IecState::A: return PilotState::A;
    case drivers::IecState::B: return PilotState::B;
    case drivers::IecState::C: return PilotState::C;
    case drivers::IecState::D: return PilotState::D;
    case drivers::IecState::E: return PilotState::E;
    case drivers::IecState::F: return PilotState::F;
    case drivers::IecState::unknown: break;
  }
  return PilotState::unknown;
}

// A steady-clock moment as wall-clock time, measured back from now.
WallTime to_wall(SteadyClock::time_point t) {
  return WallClock::now() - std::chrono::duration_cast<WallClock::duration>(SteadyClock::now() - t);
}

PerPhase optional_values(const std::array<std::optional<drivers::Sample>, 3>& samples) {
  PerPhase out;
  for (int i = 0; i < 3; ++i)
    if (samples[i]) out[i] = samples[i]->value;
  return out;
}

// The last allocation's estimate for one circuit (issue 12: household load and data age).
std::optional<HouseholdView> household_of(const policies::Allocation& alloc, const std::string& id, int phases,
                                          SteadyClock::time_point now) {
  for (const auto& c : alloc.circuits) {
    if (c.id != id) continue;
    HouseholdView h;
    for (int i = 0; i < phases; ++i) {
      if (c.household) h.amps[i] = (*c.household)[i];
      h.limit[i] = c.limit[i];
    }
    if (c.household && c.sample_at > 0) h.age = std::max(0.0, to_policy_seconds(now) - c.sample_at);
    return h;
  }
  return std::nullopt;
}

}  // namespace

DaemonView::DaemonView(Daemon& daemon, const std::string& database_path) : daemon_(daemon) {
  db_ = std::make_unique<storage::Database>(storage::open_database(database_path));
  daemon_.on_period([this] { refresh(); });
  view_ = std::make_shared<const SiteView>(build());
}

void DaemonView::refresh() {
  auto v = std::make_shared<SiteView>(build());
  std::lock_guard lock(mutex_);
  v->version = ++version_;
  view_ = std::move(v);
}

std::shared_ptr<const SiteView> DaemonView::published() const {
  std::lock_guard lock(mutex_);
  return view_;
}

SiteView DaemonView::build() const {
  auto& rt = daemon_.runtime();
  const auto& site = rt.site();
  const auto now = SteadyClock::now();
  const auto stale_after = std::chrono::duration<double>(site.policy.meter_stale_after);
  SiteView v;
  v.name = site.site.name;
  v.phases = site.site.phases;
  v.voltage = site.site.voltage;
  v.control_period = site.policy.control_period;
  if (daemon_.last_period() != SteadyClock::time_point{}) v.loop_last_run = to_wall(daemon_.last_period());
  v.mains_meter = site.site.mains_meter;

  auto measured_through = [&](const std::string& meter_id, bool& stale) {
    PerPhase out;
    stale = true;
    const auto* m = rt.find_meter(meter_id);
    if (!m) return out;
    if (auto r = meter_currents(*m, site.site.phases, now, stale_after)) {
      stale = false;
      for (int i = 0; i < site.site.phases; ++i) out[i] = r->amps[i];
    }
    return out;
  };

  bool mains_stale = true;
  if (!site.site.mains_meter.empty()) v.mains.measured = measured_through(site.site.mains_meter, mains_stale);
  v.mains.fuse = site.site.mains_fuse;
  // The daemon holds a temporary limit only while it is in force (it drops it on expiry).
  if (const auto& ext = daemon_.external_limit(); ext && ext->per_phase) {
    v.mains.temporary_limit = ext->per_phase;
    v.mains.temporary_until = temporary_until_;
  }
  const auto& alloc = daemon_.last_allocation();
  v.mains.household = household_of(alloc, config::mains_circuit_id, site.site.phases, now);
  // The limit the last allocation worked with (margin and temporary limit applied); until
  // the loop has decided once, the site file's.
  v.mains.effective_limit = std::max(0.0, site.site.mains_fuse - site.site.safety_margin);
  if (v.mains.household) v.mains.effective_limit = *v.mains.household->limit[0];

  for (const auto& c : site.circuits) {
    CircuitView cv;
    cv.id = c.id;
    cv.parent = c.parent;
    cv.limit = c.limit;
    cv.meter = c.meter;
    if (!c.meter.empty()) cv.measured = measured_through(c.meter, cv.meter_stale);
    cv.household = household_of(alloc, c.id, site.site.phases, now);
    v.circuits.push_back(std::move(cv));
  }

  const auto& open = daemon_.sessions().open();
  for (const auto& c : rt.chargers()) {
    const auto& s = c.driver->state();
    ChargerView cv;
    cv.id = c.cfg.id;
    cv.model = c.cfg.model;
    cv.circuit = c.cfg.circuit;
    cv.state = c.reachable ? to_pilot(s.iec) : PilotState::unknown;
    cv.reachable = c.reachable;
    cv.mode = to_config(c.user.mode);
    cv.mode_settings = c.user.mode_settings;
    cv.min_current = c.cfg.min_current;
    cv.max_current = c.cfg.max_current;
    cv.user_limit = c.user.user_limit;
    cv.stopped_by_user = c.user.user_stopped;
    cv.setpoint = {static_cast<double>(c.commanded.amps), c.commanded.phases, c.commanded.run};
    if (c.reachable) {
      for (int i = 0; i < 3; ++i) cv.actual[i] = s.current[i];
      for (const auto& a : s.current)
        if (a && *a > 1.0) ++cv.phases_in_use;
      cv.power = s.power;
      cv.warnings = s.warnings;
      cv.errors = s.errors;
    }
    if (auto it = open.find(c.cfg.id); it != open.end() && it->second.id > 0) {
      SessionInfo si;
      si.id = std::to_string(it->second.id);
      si.started = WallClock::now() - std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(
                                          to_policy_seconds(now) - it->second.started_s));
      si.energy_wh = it->second.energy_wh.value_or(0.0);
      cv.session = si;
    }
    cv.reason = c.reason;
    v.chargers.push_back(std::move(cv));
  }

  for (const auto& m : rt.meters()) {
    MeterView mv;
    mv.id = m.cfg.id;
    mv.model = m.cfg.model;
    mv.role = m.cfg.role;
    if (m.driver) {
      auto r = m.driver->reading().without_stale(now, std::chrono::duration_cast<drivers::Clock::duration>(stale_after));
      mv.current = optional_values(r.current);
      mv.voltage = optional_values(r.voltage);
      mv.power = optional_values(r.power);
      if (r.power_total) mv.total_power = r.power_total->value;
      if (auto at = m.driver->reading().updated()) mv.age = std::chrono::duration<double>(now - *at).count();
      mv.fresh = meter_currents(m, site.site.phases, now, stale_after).has_value();
    }
    v.meters.push_back(std::move(mv));
  }

  for (const auto& b : rt.bus_stats()) {
    BusView bv;
    bv.id = b.bus;
    const auto* cfg = site.find_bus(b.bus);
    bv.kind = cfg && std::holds_alternative<config::TcpLink>(cfg->link) ? "tcp" : "rtu";
    bv.requests = b.total.requests;
    bv.successes = b.total.successes;
    bv.timeouts = b.total.timeouts;
    bv.bad_frames = b.total.bad_frames;
    for (const auto& [code, n] : b.total.exceptions) bv.exceptions += n;
    bv.error_rate = b.total.requests ? 1.0 - static_cast<double>(b.total.successes) / b.total.requests : 0.0;
    if (b.total.latency_samples) {
      bv.latency_p50 = b.total.latency_p50_ms / 1000.0;
      bv.latency_p99 = b.total.latency_p99_ms / 1000.0;
    }
    bv.busy = b.busy_share;
    v.buses.push_back(std::move(bv));
  }
  return v;
}

}  // namespace ampgate::gateway
