#include "gateway/sim/simulator.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "gateway/sim/electrical.h"
#include "gateway/sim/rtu_server.h"
#include "gateway/sim/tcp_server.h"

namespace ampgate::sim {

using SteadyClock = std::chrono::steady_clock;

namespace {
// Longest simulated interval integrated in one model step, so a profile or a plug-in time
// is never skipped over when time runs fast or jumps.
constexpr double max_step = 1.0;
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

  std::vector<std::unique_ptr<RtuServer>> rtu;
  std::map<std::string, RtuServer*> rtu_by_bus;
  std::vector<std::unique_ptr<TcpServer>> tcp;
  std::map<std::string, TcpServer*> tcp_by_bus;
  StopSignal stop_model;
  std::thread model_thread;

  Impl(const config::Site& s, Scenario sc, Options o)
      : site(s), scenario(std::move(sc)), options(std::move(o)), rng(scenario.seed) {
    std::vector<std::string> errors;
    auto place = [&](SimDevice* d, const std::string& bus) {
      if (!site.find_bus(bus)) errors.push_back(d->id() + ": bus '" + bus + "' is not in the site");
      if (!by_unit.emplace(std::make_pair(bus, d->unit()), d).second)
        errors.push_back(d->id() + ": unit " + std::to_string(d->unit()) + " is already used on bus " + bus);
    };
    for (const auto& c : site.chargers) {
      std::string error;
      if (auto d = make_charger(c, error)) {
        d->set_time_scale(scenario.time_scale);
        place(d.get(), c.bus);
        chargers[c.id] = std::move(d);
      } else {
        errors.push_back(error);
      }
    }
    for (const auto& m : site.meters) {
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
      if (!device(f.device)) errors.push_back("scenario: fault on '" + f.device + "', which is not a simulated device");
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

  SimDevice* device(const std::string& id) const {
    if (auto it = chargers.find(id); it != chargers.end()) return it->second.get();
    if (auto it = meters.find(id); it != meters.end()) return it->second.get();
    return nullptr;
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
        auto fresh = make_charger(it->second->config(), error);
        fresh->set_time_scale(scenario.time_scale);
        fresh->observe(it->second->state());
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
      for (const auto& [id, m] : meters) m->observe(model->meter(id));
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
    if (unit == 0) {  // broadcast: every device on the bus takes it, nobody answers
      for (auto& [key, d] : by_unit)
        if (key.first == bus) d->serve(request, now);
      return {};
    }
    SimDevice* d = by_unit.at({bus, unit});
    Answer out;
    out.kind = Answer::Kind::reply;
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
      }
    }
    if (out.pdu.empty()) out.pdu = d->serve(request, now);
    return out;
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
  } catch (...) {
    stop();
    throw;
  }
  {
    std::lock_guard lock(s.mutex);
    s.real_start = SteadyClock::now();
    s.started = true;
  }
  s.stop_model.reset();
  s.model_thread = std::thread([&s] { s.run_model(); });
}

void Simulator::stop() {
  auto& s = *impl_;
  for (auto& r : s.rtu) r->stop();
  for (auto& t : s.tcp) t->stop();
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
                      {"requests", v->requests}};
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
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace ampgate::sim
