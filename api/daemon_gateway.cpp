#include "api/daemon_gateway.h"

#include <asio/post.hpp>
#include <future>
#include <map>

#include "gateway/daemon/snapshot.h"
#include "gateway/log.h"
#include "storage/events.h"
#include "storage/metrics.h"
#include "storage/sessions.h"

namespace ampgate::api {

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
WallTime to_wall(gateway::SteadyClock::time_point t) {
  return WallClock::now() - std::chrono::duration_cast<WallClock::duration>(gateway::SteadyClock::now() - t);
}

PerPhase optional_values(const std::array<std::optional<drivers::Sample>, 3>& samples) {
  PerPhase out;
  for (int i = 0; i < 3; ++i)
    if (samples[i]) out[i] = samples[i]->value;
  return out;
}

}  // namespace

DaemonGateway::DaemonGateway(gateway::Daemon& daemon, const std::string& database_path) : daemon_(daemon) {
  db_ = std::make_unique<storage::Database>(storage::open_database(database_path));
  daemon_.on_period([this] { refresh(); });
  view_ = build();
}

void DaemonGateway::refresh() {
  SiteView v = build();
  std::lock_guard lock(mutex_);
  view_ = std::move(v);
  view_.version = ++version_;
}

SiteView DaemonGateway::site() const {
  std::lock_guard lock(mutex_);
  return view_;
}

SiteView DaemonGateway::build() const {
  auto& rt = daemon_.runtime();
  const auto& site = rt.site();
  const auto now = gateway::SteadyClock::now();
  const auto stale_after = std::chrono::duration<double>(site.policy.meter_stale_after);
  SiteView v;
  v.name = site.site.name;
  v.phases = site.site.phases;
  v.voltage = site.site.voltage;
  v.control_period = site.policy.control_period;
  if (daemon_.last_period() != gateway::SteadyClock::time_point{}) v.loop_last_run = to_wall(daemon_.last_period());
  v.mains_meter = site.site.mains_meter;

  auto measured_through = [&](const std::string& meter_id, bool& stale) {
    PerPhase out;
    stale = true;
    const auto* m = rt.find_meter(meter_id);
    if (!m) return out;
    if (auto r = gateway::meter_currents(*m, site.site.phases, now, stale_after)) {
      stale = false;
      for (int i = 0; i < site.site.phases; ++i) out[i] = r->amps[i];
    }
    return out;
  };

  bool mains_stale = true;
  if (!site.site.mains_meter.empty()) v.mains.measured = measured_through(site.site.mains_meter, mains_stale);
  v.mains.fuse = site.site.mains_fuse;
  double limit = site.site.mains_fuse;
  if (const auto& ext = daemon_.external_limit(); ext && ext->per_phase) {
    v.mains.temporary_limit = ext->per_phase;
    v.mains.temporary_until = temporary_until_;
    limit = std::min(limit, *ext->per_phase);
  }
  v.mains.effective_limit = std::max(0.0, limit - site.site.safety_margin);

  for (const auto& c : site.circuits) {
    CircuitView cv;
    cv.id = c.id;
    cv.parent = c.parent;
    cv.limit = c.limit;
    cv.meter = c.meter;
    if (!c.meter.empty()) cv.measured = measured_through(c.meter, cv.meter_stale);
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
    cv.mode = to_config(c.mode);
    cv.mode_settings = c.mode_settings;
    cv.min_current = c.cfg.min_current;
    cv.max_current = c.cfg.max_current;
    cv.user_limit = c.user_limit;
    cv.stopped_by_user = c.user_stopped;
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
                                          gateway::to_policy_seconds(now) - it->second.started_s));
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
      mv.fresh = gateway::meter_currents(m, site.site.phases, now, stale_after).has_value();
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

std::vector<SessionRow> DaemonGateway::sessions(const SessionQuery& q) const {
  std::lock_guard lock(db_mutex_);
  storage::SessionStore store(*db_);
  storage::SessionQuery sq;
  sq.from = q.from;
  sq.to = q.to;
  sq.charger = q.charger;
  std::vector<SessionRow> rows;
  for (const auto& s : store.list(sq)) {
    if (rows.size() >= q.limit) break;
    rows.push_back({std::to_string(s.id), s.charger, s.started, s.ended, s.energy_wh});
  }
  return rows;
}

std::vector<EventRow> DaemonGateway::events(const EventQuery& q) const {
  std::lock_guard lock(db_mutex_);
  storage::EventStore store(*db_);
  storage::EventQuery eq;
  eq.from = q.from;
  eq.to = q.to;
  eq.limit = static_cast<int>(q.limit);
  std::vector<EventRow> rows;
  for (const auto& e : store.list(eq)) {
    EventRow r;
    r.time = e.at;
    // Sources are "charger garage-1", "meter grid", "config", ...: the first word is the kind.
    auto space = e.source.find(' ');
    r.kind = e.source.substr(0, space);
    if (r.kind == "charger" && space != std::string::npos) r.charger = e.source.substr(space + 1);
    for (const auto& [k, val] : e.details)
      if (k == "charger") r.charger = val;
    r.message = e.message;
    rows.push_back(std::move(r));
  }
  return rows;
}

MetricsHistory DaemonGateway::history(WallTime from, WallTime to) const {
  std::vector<storage::MetricRow> rows;
  {
    std::lock_guard lock(db_mutex_);
    storage::MetricStore store(*db_);
    storage::MetricQuery q;
    q.from = from;
    q.to = to;
    rows = store.list(q);
  }
  double limit = site().mains.effective_limit;
  std::map<WallTime, std::size_t> index;
  for (const auto& r : rows) index.emplace(r.minute, 0);
  MetricsHistory h;
  for (auto& [t, i] : index) {
    i = h.times.size();
    h.times.push_back(t);
  }
  for (auto& series : h.mains) series.assign(h.times.size(), std::nullopt);
  h.mains_limit.assign(h.times.size(), limit);
  std::map<std::string, std::size_t> charger_index;
  for (const auto& r : rows) {
    std::size_t i = index[r.minute];
    if (r.key.kind == storage::metric::circuit && r.key.source == config::mains_circuit_id &&
        r.key.quantity == storage::metric::current) {
      for (int p = 0; p < 3; ++p)
        if (r.key.phase == storage::metric::phase_names[p]) h.mains[p][i] = r.avg;
    } else if (r.key.kind == storage::metric::charger && r.key.quantity == storage::metric::actual) {
      auto [it, fresh] = charger_index.emplace(r.key.source, h.chargers.size());
      if (fresh) h.chargers.push_back({r.key.source, std::vector<std::optional<double>>(h.times.size())});
      auto& cell = h.chargers[it->second].current[i];
      cell = std::max(cell.value_or(0.0), r.avg);  // highest phase in that minute
    }
  }
  return h;
}

CommandResult DaemonGateway::on_loop(std::function<CommandResult()> f) {
  auto done = std::make_shared<std::promise<CommandResult>>();
  auto answer = done->get_future();
  asio::post(daemon_.io(), [f = std::move(f), done] { done->set_value(f()); });
  if (answer.wait_for(std::chrono::seconds(3)) != std::future_status::ready)
    return CommandResult::refuse("the gateway did not take the command in time (stopping or overloaded); try again");
  return answer.get();
}

CommandResult DaemonGateway::on_charger(const std::string& id,
                                        std::function<std::string(gateway::ChargerRuntime&)> change) {
  return on_loop([this, id, change = std::move(change)] {
    auto* c = daemon_.runtime().find_charger(id);
    if (!c) return CommandResult::unknown(id);
    std::string what = change(*c);
    daemon_.record_event(storage::Severity::info, "charger " + id, what, {{"charger", id}, {"by", "api"}});
    return CommandResult::success();
  });
}

CommandResult DaemonGateway::set_mode(const std::string& id, const ModeCommand& cmd) {
  return on_charger(id, [cmd](gateway::ChargerRuntime& c) {
    c.mode = gateway::to_policy(cmd.mode);
    if (cmd.eco_grid_current) c.mode_settings.eco_grid_current = *cmd.eco_grid_current;
    if (cmd.eco_plus_start_surplus) c.mode_settings.eco_plus_start_surplus = *cmd.eco_plus_start_surplus;
    return std::string("mode set to ") + config::to_string(cmd.mode);
  });
}

CommandResult DaemonGateway::set_limit(const std::string& id, std::optional<double> max_current) {
  return on_charger(id, [max_current](gateway::ChargerRuntime& c) {
    c.user_limit = max_current;
    return max_current ? "user limit set to " + std::to_string(static_cast<int>(*max_current)) + " A"
                       : std::string("user limit removed");
  });
}

CommandResult DaemonGateway::start(const std::string& id) {
  return on_charger(id, [](gateway::ChargerRuntime& c) {
    c.user_stopped = false;
    return std::string("started by user");
  });
}

CommandResult DaemonGateway::stop(const std::string& id) {
  return on_charger(id, [](gateway::ChargerRuntime& c) {
    c.user_stopped = true;
    return std::string("stopped by user");
  });
}

CommandResult DaemonGateway::set_site_limits(const SiteLimitsCommand& cmd) {
  return on_loop([this, cmd] {
    if (!cmd.mains_limit) {
      daemon_.set_external_limit(std::nullopt);
      temporary_until_.reset();
      daemon_.record_event(storage::Severity::info, "api", "temporary mains limit removed");
      return CommandResult::success();
    }
    policies::ExternalLimit l;
    l.per_phase = cmd.mains_limit;
    auto now = gateway::SteadyClock::now();
    // Without a duration the limit holds until removed (or the gateway restarts).
    double seconds = cmd.duration.value_or(10.0 * 365 * 24 * 3600);
    l.until = gateway::to_policy_seconds(now) + seconds;
    temporary_until_.reset();
    if (cmd.duration)
      temporary_until_ = WallClock::now() + std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(seconds));
    daemon_.set_external_limit(l);
    daemon_.record_event(storage::Severity::info, "api",
                         "temporary mains limit " + std::to_string(static_cast<int>(*cmd.mains_limit)) + " A per phase",
                         {{"duration_s", cmd.duration ? std::to_string(*cmd.duration) : "until removed"}});
    return CommandResult::success();
  });
}

}  // namespace ampgate::api

namespace ampgate::api {

DaemonApi::DaemonApi(gateway::Daemon& daemon, const config::Site& site)
    : gateway_(daemon, daemon.database_path()),
      // The server logs rarely (the token when it makes one, which must reach the journal at
      // the default level, and handler failures); default worker count: every keep-alive
      // client holds a worker, and 16 made 48 of 64 pollers wait (p99 1 s, timeouts).
      server_(gateway_, ServerOptions{site.api, [](const std::string& line) { log::info("api", line); }}) {
  if (auto error = server_.start()) {
    daemon.record_event(storage::Severity::error, "api", "API not available: " + *error);
  } else {
    daemon.record_event(storage::Severity::info, "api", "listening",
                        {{"address", site.api.listen}, {"port", std::to_string(server_.port())}});
  }
}

}  // namespace ampgate::api
