#include "gateway/sim/simulator.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "gateway/sim/electrical.h"
#include "gateway/sim/ocpp_charge_point.h"
#include "gateway/sim/p1_servers.h"
#include "gateway/sim/rtu_server.h"
#include "gateway/sim/tcp_server.h"

namespace ampgate::sim {

using SteadyClock = std::chrono::steady_clock;

namespace {
// Longest simulated interval integrated in one model step, so a profile or a plug-in time
// is never skipped over when time runs fast or jumps.
constexpr double max_step = 0.1;
}  // namespace

struct Simulator::Impl final : Dispatcher {
  config::Site site;
  Scenario scenario;
  Options options;

  mutable std::mutex mutex;  // guards everything below except the servers
  std::map<std::string, std::unique_ptr<SimCharger>> chargers;
  std::map<std::string, std::unique_ptr<SimMeter>> meters;
  std::map<std::pair<std::string, std::uint8_t>, SimDevice*> by_unit;  // (bus, unit)
  std::unique_ptr<ElectricalModel> model;
  FuseLog fuse;
  std::mt19937 rng;
  bool started = false;
  SteadyClock::time_point real_start;
  std::vector<bool> rebooted;  // per scenario fault: a reboot already happened
  double offset = 0.0;      // simulated seconds added by advance()
  double model_time = 0.0;  // simulated time the model has reached
  std::map<std::string, double> next_publish;  // meter id -> when it publishes its next value

  std::vector<std::unique_ptr<RtuServer>> rtu;
  std::map<std::string, RtuServer*> rtu_by_bus;
  std::vector<std::unique_ptr<TcpServer>> tcp;
  std::map<std::string, TcpServer*> tcp_by_bus;
  StopSignal stop_model;
  std::thread model_thread;
  std::unique_ptr<P1Servers> p1;  // meters not on a bus: P1 on a pty, over TCP, HomeWizard HTTP

  Impl(const config::Site& s, Scenario sc, Options o)
      : site(s), scenario(std::move(sc)), options(std::move(o)), rng(scenario.seed) {
    std::vector<std::string> errors;
    auto place = [&](SimDevice* d, const std::string& bus) {
      if (!site.find_bus(bus)) errors.push_back(d->id() + ": bus '" + bus + "' is not in the site");
      if (!by_unit.emplace(std::make_pair(bus, d->unit()), d).second)
        errors.push_back(d->id() + ": unit " + std::to_string(d->unit()) + " is already used on bus " + bus);
    };
    add_ocpp_charge_points(site, scenario, errors);
    for (const auto& c : site.chargers) {
      std::string error;
      if (is_ocpp_charge_point(c, scenario)) {  // no bus: its own WebSocket to a central system
        if (auto d = make_ocpp_charge_point(c, scenario, error)) chargers[c.id] = std::move(d);
        else errors.push_back(error);
        continue;
      }
      if (auto d = make_charger(c, settings_of(c.id), error)) {
        d->set_time_scale(scenario.time_scale);
        place(d.get(), c.bus);
        chargers[c.id] = std::move(d);
      } else {
        errors.push_back(error);
      }
    }
    p1 = std::make_unique<P1Servers>(site, [this](const std::string& id) { return p1_moment(id); });
    for (const auto& m : site.meters) {
      if (P1Servers::serves(m)) continue;
      std::string error;
      if (auto d = make_meter(m, error)) {
        place(d.get(), m.bus);
        meters[m.id] = std::move(d);
      } else {
        errors.push_back(error);
      }
    }
    for (const auto& ev : scenario.evs)
      if (!chargers.contains(ev.charger)) errors.push_back("scenario: EV at charger '" + ev.charger + "', which the site does not have");
    for (const auto& f : scenario.faults)
      if (!device(f.device) && !p1->has(f.device)) errors.push_back("scenario: fault on '" + f.device + "', which is not a simulated device");
    for (const auto& [id, kv] : scenario.settings)
      if (!device(id)) errors.push_back("scenario: settings for '" + id + "', which is not a simulated device");
      else if (meters.contains(id) && !kv.empty()) errors.push_back("scenario: settings for meter '" + id + "': meters have none");
    for (const auto& [id, seconds] : scenario.meter_refresh)
      if (!meters.contains(id)) errors.push_back("scenario: meter_refresh for '" + id + "', which is not a simulated meter");
    for (const auto& [id, writes] : scenario.presets) {
      SimDevice* d = device(id);
      if (!d) {
        errors.push_back("scenario: preset for '" + id + "', which is not a simulated device");
        continue;
      }
      for (const auto& [address, value] : writes)
        if (auto code = d->write(address, {value}, 0.0); code != 0)
          errors.push_back("scenario: preset " + id + " register " + std::to_string(address) + " = " +
                           std::to_string(value) + " refused by the device (exception " + std::to_string(code) + ")");
    }
    if (!errors.empty()) {
      std::string all = "cannot simulate this site:";
      for (const auto& e : errors) all += "\n  " + e;
      throw std::invalid_argument(all);
    }
    rebooted.assign(scenario.faults.size(), false);
    const double unix_start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    model = std::make_unique<ElectricalModel>(site, scenario, unix_start);
    for (const auto& id : model->circuits()) fuse.circuits.push_back({id, site.circuit_limit(id), {}, {}});
    step_to(0.0);
  }

  ModelSettings settings_of(const std::string& id) const {
    auto it = scenario.settings.find(id);
    return it == scenario.settings.end() ? ModelSettings{} : it->second;
  }

  // Seconds between the values a meter publishes: a read returns the last one (an SDM630
  // refreshes about twice a second, a DSMR 5 P1 port every second).
  double refresh_of(const SimMeter& m) const {
    if (auto it = scenario.meter_refresh.find(m.id()); it != scenario.meter_refresh.end()) return it->second;
    return m.model() == "sdm630" ? 0.5 : 1.0;
  }

  SimDevice* device(const std::string& id) const {
    if (auto it = chargers.find(id); it != chargers.end()) return it->second.get();
    if (auto it = meters.find(id); it != meters.end()) return it->second.get();
    return nullptr;
  }

  P1Moment p1_moment(const std::string& id) {
    std::lock_guard lock(mutex);
    const double now = clock_now();
    P1Moment m{model->meter(id)};
    for (const auto& f : scenario.faults) {
      if (f.device != id || !f.active(now)) continue;
      if (f.kind == FaultKind::silent || f.kind == FaultKind::reboot) m.silent = true;
      if (f.kind == FaultKind::exception) m.damaged = true;
      if (f.kind == FaultKind::bad_crc && std::uniform_real_distribution<double>(0.0, 1.0)(rng) < f.probability)
        m.damaged = true;
    }
    return m;
  }

  double clock_now() const {  // callers hold `mutex`
    if (!started) return offset;
    return offset + std::chrono::duration<double>(SteadyClock::now() - real_start).count() * scenario.time_scale;
  }

  // Reboot faults whose time has come: the device is replaced by a fresh one with its
  // power-on registers, at the same place on the bus. Callers hold `mutex`.
  void apply_reboots(double now) {
    for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
      const auto& f = scenario.faults[i];
      if (f.kind != FaultKind::reboot || rebooted[i] || now < f.from) continue;
      rebooted[i] = true;
      std::string error;
      if (auto it = chargers.find(f.device); it != chargers.end()) {
        auto fresh = make_charger(it->second->config(), settings_of(f.device), error);
        fresh->set_time_scale(scenario.time_scale);
        fresh->carry_over(*it->second);
        fresh->booted(f.from);
        by_unit[{it->second->config().bus, fresh->unit()}] = fresh.get();
        it->second = std::move(fresh);
      } else if (auto m = meters.find(f.device); m != meters.end()) {
        auto fresh = make_meter(m->second->config(), error);
        fresh->booted(f.from);
        by_unit[{m->second->config().bus, fresh->unit()}] = fresh.get();
        m->second = std::move(fresh);
        m->second->observe(model->meter(f.device));
      }
    }
  }

  void step_to(double t) {  // callers hold `mutex` (or are the constructor)
    bool first = model_time == 0.0 && fuse.duration == 0.0;
    while (first || model_time < t) {
      const double dt = std::min(max_step, t - model_time);
      model_time += dt;
      apply_reboots(model_time);
      std::map<std::string, Drive> drives;
      for (const auto& [id, c] : chargers) drives[id] = c->drive(model_time);
      model->step(model_time, dt, drives);
      for (const auto& [id, c] : chargers) c->observe(model->charger(id));
      for (const auto& [id, m] : meters) {
        double& next = next_publish[id];
        if (model_time + 1e-9 < next && !first) continue;
        m->observe(model->meter(id));
        next = std::max(next + refresh_of(*m), model_time);
      }
      fuse.record(model->currents(), dt);
      first = false;
    }
  }

  bool has_unit(const std::string& bus, std::uint8_t unit) const override {
    std::lock_guard lock(mutex);
    return by_unit.contains({bus, unit});
  }

  Answer answer(const std::string& bus, std::uint8_t unit, const Pdu& request) override {
    std::lock_guard lock(mutex);
    const double now = clock_now();
    apply_reboots(now);
    const bool is_write = !request.empty() && (request[0] == 6 || request[0] == 16);
    if (unit == 0) {  // broadcast: every device on the bus takes it, nobody answers
      for (auto& [key, d] : by_unit)
        if (key.first == bus && !deaf(d->id(), now)) d->serve(request, now, !writes_blocked(d->id(), now));
      return {};
    }
    auto found = by_unit.find({bus, unit});
    if (found == by_unit.end()) return {};  // nobody there (gone since has_unit): silence
    SimDevice* d = found->second;
    Answer out;
    out.kind = Answer::Kind::reply;
    bool apply_writes = true;
    for (const auto& f : scenario.faults) {
      if (f.device != d->id() || !f.active(now)) continue;
      switch (f.kind) {
        case FaultKind::silent:
        case FaultKind::reboot:  // still booting
          return {};
        case FaultKind::exception:
          out.pdu = exception_pdu(request.empty() ? 0 : request[0], static_cast<std::uint8_t>(f.code));
          break;
        case FaultKind::slow:
          out.delay_ms += f.delay_ms;
          break;
        case FaultKind::bad_crc:
          if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) < f.probability) out.kind = Answer::Kind::bad_crc;
          break;
        case FaultKind::ignore_writes:
          apply_writes = false;
          break;
        case FaultKind::fail_writes:
          if (is_write) out.pdu = exception_pdu(request[0], static_cast<std::uint8_t>(f.code));
          break;
      }
    }
    if (out.pdu.empty()) out.pdu = d->serve(request, now, apply_writes);
    return out;
  }

  bool fault_active(const std::string& id, double now, std::initializer_list<FaultKind> kinds) const {
    for (const auto& f : scenario.faults)
      if (f.device == id && f.active(now) && std::find(kinds.begin(), kinds.end(), f.kind) != kinds.end()) return true;
    return false;
  }
  // A silent (or booting) device hears nothing, broadcasts included.
  bool deaf(const std::string& id, double now) const {
    return fault_active(id, now, {FaultKind::silent, FaultKind::reboot, FaultKind::exception});
  }
  // A broadcast write is not applied by a device that ignores or fails writes now.
  bool writes_blocked(const std::string& id, double now) const {
    return fault_active(id, now, {FaultKind::ignore_writes, FaultKind::fail_writes});
  }

  void run_model() {
    const auto period = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(scenario.tick));
    auto next = SteadyClock::now();
    while (true) {
      next += period;
      if (!stop_model.sleep_until(next)) return;
      std::lock_guard lock(mutex);
      step_to(clock_now());
    }
  }
};

Simulator::Simulator(const config::Site& site, Scenario scenario, Options options)
    : impl_(std::make_unique<Impl>(site, std::move(scenario), std::move(options))) {}

Simulator::~Simulator() { stop(); }

void Simulator::start() {
  auto& s = *impl_;
  if (s.started) return;
  try {
    for (const auto& bus : s.site.buses) {
      if (const auto* rtu = std::get_if<config::RtuLink>(&bus.link)) {
        auto server = std::make_unique<RtuServer>(bus.id, *rtu, s, WireTiming{s.scenario.wire_timing, s.scenario.turnaround_ms});
        server->start(s.options.link_dir);
        s.rtu_by_bus[bus.id] = server.get();
        s.rtu.push_back(std::move(server));
      } else {
        const auto& tcp = std::get<config::TcpLink>(bus.link);
        auto server = std::make_unique<TcpServer>(bus.id, s);
        server->start(s.options.tcp_ephemeral ? 0 : tcp.port);
        s.tcp_by_bus[bus.id] = server.get();
        s.tcp.push_back(std::move(server));
      }
    }
    s.p1->start(s.options.link_dir, s.options.tcp_ephemeral);
  } catch (...) {
    stop();
    throw;
  }
  {
    std::lock_guard lock(s.mutex);
    s.real_start = SteadyClock::now();
    s.started = true;
    for (auto& [id, c] : s.chargers) c->go_online();
  }
  s.stop_model.reset();
  s.model_thread = std::thread([&s] { s.run_model(); });
}

void Simulator::stop() {
  auto& s = *impl_;
  for (auto& r : s.rtu) r->stop();
  for (auto& t : s.tcp) t->stop();
  s.p1->stop();
  {
    std::lock_guard lock(s.mutex);
    for (auto& [id, c] : s.chargers) c->go_offline();
  }
  s.stop_model.raise();
  if (s.model_thread.joinable()) s.model_thread.join();
  std::lock_guard lock(s.mutex);
  if (s.started) {
    s.step_to(s.clock_now());  // account for the last partial tick
    s.offset = s.clock_now();  // the clock stops with the simulator
    s.started = false;
  }
}

std::string Simulator::rtu_path(const std::string& bus_id) const {
  auto it = impl_->rtu_by_bus.find(bus_id);
  return it == impl_->rtu_by_bus.end() ? std::string() : it->second->path();
}

std::vector<std::pair<std::string, std::string>> Simulator::p1_endpoints() const { return impl_->p1->endpoints(); }

int Simulator::tcp_port(const std::string& bus_id) const {
  auto it = impl_->tcp_by_bus.find(bus_id);
  return it == impl_->tcp_by_bus.end() ? 0 : it->second->port();
}

FuseLog Simulator::fuse_log() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->fuse;
}

nlohmann::json Simulator::fuse_log_json() const { return to_json(fuse_log()); }

double Simulator::now() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->clock_now();
}

void Simulator::advance(double seconds) {
  std::lock_guard lock(impl_->mutex);
  impl_->offset += seconds;
  impl_->step_to(impl_->clock_now());
}

std::optional<std::uint16_t> Simulator::read_register(const std::string& device_id, std::uint16_t address,
                                                      bool input) const {
  std::lock_guard lock(impl_->mutex);
  const SimDevice* d = impl_->device(device_id);
  if (!d) return std::nullopt;
  std::vector<std::uint16_t> out;
  // Some devices only answer whole values (SDM630 pairs, KEBA u32): read the pair it is in.
  const auto pair_start = static_cast<std::uint16_t>(address & ~1u);
  if (d->read(input ? 4 : 3, address, 1, out) == 0 && out.size() == 1) return out[0];
  out.clear();
  if (d->read(input ? 4 : 3, pair_start, 2, out) == 0 && out.size() == 2) return out[address - pair_start];
  return std::nullopt;
}

std::optional<ChargerView> Simulator::charger(const std::string& charger_id) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->chargers.find(charger_id);
  if (it == impl_->chargers.end()) return std::nullopt;
  const auto& c = *it->second;
  const double now = impl_->clock_now();
  ChargerView v;
  v.plugged = c.state().plugged;
  v.charging = c.state().charging;
  v.watchdog_expired = c.watchdog_expired(now);
  v.effective_limit = c.drive(now).limit;
  v.amps = c.state().amps;
  v.session_kwh = c.state().session_kwh;
  v.requests = c.requests();
  v.offered = c.state().offered;
  v.sessions_started = c.sessions().started;
  v.sessions_ended = c.sessions().ended_by_charger;
  v.session_open = c.sessions().open;
  return v;
}

nlohmann::json Simulator::state_json() const {
  nlohmann::json chargers = nlohmann::json::object();
  for (const auto& c : impl_->site.chargers) {
    const auto v = charger(c.id);
    if (!v) continue;
    chargers[c.id] = {{"plugged", v->plugged},           {"charging", v->charging},
                      {"watchdog_expired", v->watchdog_expired}, {"effective_limit", v->effective_limit},
                      {"amps", v->amps},                 {"session_kwh", v->session_kwh},
                      {"requests", v->requests},         {"offered", v->offered},
                      {"sessions_started", v->sessions_started}, {"sessions_ended", v->sessions_ended},
                      {"session_open", v->session_open}};
  }
  nlohmann::json circuits = nlohmann::json::object();
  std::lock_guard lock(impl_->mutex);
  for (std::size_t i = 0; i < impl_->model->circuits().size(); ++i)
    circuits[impl_->model->circuits()[i]] = impl_->model->currents()[i];
  return {{"time", impl_->clock_now()}, {"chargers", chargers}, {"circuits", circuits}};
}

std::optional<std::array<double, 3>> Simulator::circuit_current(const std::string& circuit_id) const {
  std::lock_guard lock(impl_->mutex);
  if (const auto* a = impl_->model->circuit_current(circuit_id)) return *a;
  return std::nullopt;
}

std::string Simulator::rewrite_site_yaml(const std::string& original_yaml) const {
  YAML::Node root = YAML::Load(original_yaml);
  if (auto buses = root["buses"]; buses && buses.IsSequence()) {
    for (auto bus : buses) {
      if (!bus["id"]) continue;
      const auto id = bus["id"].as<std::string>();
      if (bus["rtu"] && impl_->rtu_by_bus.contains(id)) {
        bus["rtu"]["port"] = rtu_path(id);
        // A pty has no RS485 driver or RTS line: those ioctls would fail on it.
        if (bus["rtu"]["rs485"]) bus["rtu"]["rs485"] = false;
        if (bus["rtu"]["rts"]) bus["rtu"]["rts"] = false;
      }
      if (bus["tcp"] && impl_->tcp_by_bus.contains(id)) {
        bus["tcp"]["host"] = "127.0.0.1";
        bus["tcp"]["port"] = tcp_port(id);
      }
    }
  }
  impl_->p1->rewrite(root);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace ampgate::sim
