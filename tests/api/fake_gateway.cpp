#include "tests/api/fake_gateway.h"

#include <algorithm>
#include <cmath>

namespace ampgate::test {

using namespace api;
using std::chrono::hours;
using std::chrono::minutes;

namespace {
// A fixed instant so that sessions and events are the same in every run.
const WallTime day = WallClock::from_time_t(1714564800);  // 2024-05-01T12:00:00Z

ChargerView charger(std::string id, std::string model, std::string circuit, double max) {
  ChargerView c;
  c.id = std::move(id);
  c.model = std::move(model);
  c.circuit = std::move(circuit);
  c.max_current = max;
  c.reachable = true;
  return c;
}
}  // namespace

FakeGateway::FakeGateway() {
  site_.name = "Test site";
  site_.control_period = 1.0;
  site_.loop_last_run = WallClock::now();
  site_.mains_meter = "grid";
  site_.mains.fuse = 25.0;
  site_.mains.effective_limit = 24.0;
  site_.mains.measured = {18.5, 17.25, 12.0};

  CircuitView garage;
  garage.id = "garage";
  garage.parent = "mains";
  garage.limit = 20.0;
  garage.meter = "garage-meter";
  garage.meter_stale = true;
  site_.circuits.push_back(garage);

  auto left = charger("garage-left", "teltocharge", "garage", 16.0);
  left.state = PilotState::C;
  left.mode = config::Mode::fast;
  left.setpoint = {10.0, 3, true};
  left.actual = {9.8, 9.9, 9.7};
  left.phases_in_use = 3;
  left.power = 6750.0;
  left.session = SessionInfo{"s-42", day - minutes(30), 3420.0};
  left.reason = "circuit garage L2";
  auto right = charger("garage-right", "keba_p30", "garage", 32.0);
  right.state = PilotState::B;
  right.mode = config::Mode::solar;
  right.setpoint = {0.0, 1, false};
  right.phases_in_use = 0;
  right.power = 0.0;
  right.reason = "solar surplus";
  right.warnings = {"waiting for 6 A of surplus"};
  auto drive = charger("drive", "vestel_evc04", "mains", 16.0);
  drive.state = PilotState::unknown;
  drive.reachable = false;
  drive.mode = config::Mode::eco;
  drive.reason = "charger silent";
  drive.errors = {"no answer on bus rs485-1 for 12 s"};
  site_.chargers = {left, right, drive};

  MeterView grid;
  grid.id = "grid";
  grid.model = "eastron_sdm630";
  grid.role = config::MeterRole::mains;
  grid.current = site_.mains.measured;
  grid.voltage = {231.0, 229.5, 230.2};
  grid.total_power = 11200.0;
  grid.age = 0.4;
  grid.fresh = true;
  MeterView gm;
  gm.id = "garage-meter";
  gm.model = "eastron_sdm72";
  gm.role = config::MeterRole::circuit;
  gm.age = 42.0;
  gm.fresh = false;
  site_.meters = {grid, gm};

  BusView rtu{"rs485-1", "rtu", 1000, 990, 6, 3, 1, 0.01, 0.018, 0.045, 0.35};
  BusView tcp{"keba-tcp", "tcp", 200, 200, 0, 0, 0, 0.0, 0.004, 0.009, 0.02};
  site_.buses = {rtu, tcp};
  site_.version = 1;

  sessions_ = {
      {"s-40", "garage-left", day - hours(26), day - hours(22), 18300.0},
      {"s-41", "drive", day - hours(5), day - hours(3), 7400.0},
      {"s-42", "garage-left", day - minutes(30), std::nullopt, 3420.0},
  };
  events_ = {{day - hours(1), "meter_stale", "", "meter 'garage-meter' is stale (no answer for 5 s)"}};
}

SiteView FakeGateway::site() const {
  std::lock_guard lock(mutex_);
  ++site_calls_;
  return site_;
}

std::uint64_t FakeGateway::version() const {
  std::lock_guard lock(mutex_);
  return site_.version;
}

std::vector<SessionRow> FakeGateway::sessions(const SessionQuery& q) const {
  std::lock_guard lock(mutex_);
  std::vector<SessionRow> out;
  for (auto it = sessions_.rbegin(); it != sessions_.rend(); ++it) {
    if (q.from && it->started < *q.from) continue;
    if (q.to && it->started >= *q.to) continue;
    if (q.charger && it->charger != *q.charger) continue;
    if (out.size() >= q.limit) break;
    out.push_back(*it);
  }
  return out;
}

std::vector<EventRow> FakeGateway::events(const EventQuery& q) const {
  std::lock_guard lock(mutex_);
  std::vector<EventRow> out;
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (q.from && it->time < *q.from) continue;
    if (q.to && it->time >= *q.to) continue;
    if (out.size() >= q.limit) break;
    out.push_back(*it);
  }
  return out;
}

MetricsHistory FakeGateway::history(WallTime from, WallTime to) const {
  std::lock_guard lock(mutex_);
  MetricsHistory h;
  for (auto c : site_.chargers) h.chargers.push_back({c.id, {}});
  int i = 0;
  for (auto t = from; t <= to; t += minutes(1), ++i) {
    h.times.push_back(t);
    for (std::size_t p = 0; p < 3; ++p) {
      // A gap of five minutes in the middle: the meter was stale then.
      const bool gap = i >= 20 && i < 25;
      h.mains[p].push_back(gap ? std::nullopt : std::optional<double>(12.0 + 6.0 * std::sin(i / 9.0 + static_cast<double>(p))));
    }
    h.mains_limit.push_back(site_.mains.effective_limit);
    for (std::size_t c = 0; c < h.chargers.size(); ++c) {
      h.chargers[c].current.push_back(c == 2 ? std::nullopt : std::optional<double>(c == 0 ? 10.0 : (i > 40 ? 6.0 : 0.0)));
    }
  }
  return h;
}

ChargerView* FakeGateway::find(const std::string& id) {
  for (auto& c : site_.chargers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

void FakeGateway::record(const std::string& command, const std::string& charger, const std::string& message) {
  commands_.push_back(command);
  events_.push_back({WallClock::now(), "command", charger, message});
  ++site_.version;
}

CommandResult FakeGateway::set_mode(const std::string& id, const ModeCommand& cmd) {
  std::lock_guard lock(mutex_);
  ChargerView* c = find(id);
  if (!c) return CommandResult::unknown(id);
  c->mode = cmd.mode;
  if (cmd.eco_grid_current) c->mode_settings.eco_grid_current = *cmd.eco_grid_current;
  if (cmd.eco_plus_start_surplus) c->mode_settings.eco_plus_start_surplus = *cmd.eco_plus_start_surplus;
  record("mode " + id + " " + config::to_string(cmd.mode), id, std::string("mode set to ") + config::to_string(cmd.mode));
  return CommandResult::success();
}

CommandResult FakeGateway::set_limit(const std::string& id, std::optional<double> max_current) {
  std::lock_guard lock(mutex_);
  ChargerView* c = find(id);
  if (!c) return CommandResult::unknown(id);
  c->user_limit = max_current;
  const std::string v = max_current ? std::to_string(static_cast<int>(*max_current)) : "none";
  record("limit " + id + " " + v, id, "user limit " + v);
  return CommandResult::success();
}

CommandResult FakeGateway::start(const std::string& id) {
  std::lock_guard lock(mutex_);
  ChargerView* c = find(id);
  if (!c) return CommandResult::unknown(id);
  c->stopped_by_user = false;
  record("start " + id, id, "started by user");
  return CommandResult::success();
}

CommandResult FakeGateway::stop(const std::string& id) {
  std::lock_guard lock(mutex_);
  ChargerView* c = find(id);
  if (!c) return CommandResult::unknown(id);
  if (!c->reachable) return CommandResult::refuse("charger '" + id + "' is not answering; try again when it is");
  c->stopped_by_user = true;
  record("stop " + id, id, "stopped by user");
  return CommandResult::success();
}

CommandResult FakeGateway::set_site_limits(const SiteLimitsCommand& cmd) {
  std::lock_guard lock(mutex_);
  site_.mains.temporary_limit = cmd.mains_limit;
  site_.mains.effective_limit = cmd.mains_limit ? std::min(*cmd.mains_limit, site_.mains.fuse) : site_.mains.fuse - 1.0;
  const std::string v = cmd.mains_limit ? std::to_string(static_cast<int>(*cmd.mains_limit)) : "none";
  record("site-limit " + v, "", "temporary mains limit " + v);
  return CommandResult::success();
}

void FakeGateway::tick() {
  std::lock_guard lock(mutex_);
  ++ticks_;
  site_.loop_last_run = WallClock::now();
  for (std::size_t p = 0; p < 2; ++p) {
    site_.mains.measured[p] = 14.0 + 4.0 * std::sin(ticks_ / 7.0 + static_cast<double>(p));
  }
  site_.mains.measured[2] = -1.5;  // solar on L3 exports: a negative reading
  site_.meters[0].current = site_.mains.measured;
  if (site_.chargers[0].session) site_.chargers[0].session->energy_wh += 1.9;
  ++site_.version;
}

std::vector<std::string> FakeGateway::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

std::size_t FakeGateway::site_calls() const {
  std::lock_guard lock(mutex_);
  return site_calls_;
}

}  // namespace ampgate::test
