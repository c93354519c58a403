#include "gateway/daemon/site_runtime.h"

#include <stdexcept>

#include "drivers/meters/register_meter.h"

namespace ampgate::gateway {

policies::Mode to_policy(config::Mode m) {
  switch (m) {
    case config::Mode::off: return policies::Mode::off;
    case config::Mode::fast: return policies::Mode::fast;
    case config::Mode::eco: return policies::Mode::eco;
    case config::Mode::eco_plus: return policies::Mode::eco_plus;
    case config::Mode::solar: return policies::Mode::solar;
  }
  return policies::Mode::off;
}

namespace {

drivers::ChargerSettings settings_of(const config::Charger& c) {
  drivers::ChargerSettings s;
  s.model = c.model;
  s.unit = c.unit;
  s.min_current = c.min_current;
  s.max_current = c.max_current;
  s.failsafe_current = c.failsafe_current;
  s.watchdog_timeout = c.watchdog_timeout;
  s.phases = c.phases;
  if (c.generic) s.generic = *c.generic;
  return s;
}

}  // namespace

SiteRuntime::SiteRuntime(const config::Site& site, asio::io_context& io) : site_(site) {
  for (const auto& b : site_.buses) buses_[b.id] = std::make_unique<Bus>(b, io);
  auto bus_of = [&](const std::string& id) -> Bus* {
    auto it = buses_.find(id);
    return it == buses_.end() ? nullptr : it->second.get();
  };

  for (const auto& c : site_.chargers) {
    auto made = drivers::make_charger(settings_of(c));
    if (!made.charger) throw std::runtime_error("charger " + c.id + ": " + made.error);
    ChargerRuntime r;
    r.cfg = c;
    r.driver = std::move(made.charger);
    r.bus = bus_of(c.bus);
    if (r.bus) r.bus->limit_reads(c.unit, r.driver->max_read_registers());
    r.mode = to_policy(c.mode);
    r.mode_settings = c.mode_settings;
    chargers_.push_back(std::move(r));
  }

  for (const auto& m : site_.meters) {
    MeterRuntime r;
    r.cfg = m;
    r.bus = bus_of(m.bus);
    if (!r.bus) {
      // P1 over a raw serial port, a TCP socket or HomeWizard's HTTP API: not read by the
      // control loop yet. Such a meter stays stale, so its circuit uses the meter-lost fallback.
      r.unsupported = "model " + m.model + " is not read by the control loop yet; its circuit uses the meter-lost fallback";
    } else {
      std::string error;
      r.driver = drivers::make_meter(m.model, m.unit, m.inverted, m.custom ? &*m.custom : nullptr, error);
      if (!r.driver) throw std::runtime_error("meter " + m.id + ": " + error);
      r.bus->limit_reads(m.unit, r.driver->max_read_registers());
    }
    meters_.push_back(std::move(r));
  }
}

SiteRuntime::~SiteRuntime() { stop(); }

void SiteRuntime::start() {
  for (auto& [id, bus] : buses_) bus->start();
}

void SiteRuntime::stop() {
  for (auto& [id, bus] : buses_) bus->stop();
}

ChargerRuntime* SiteRuntime::find_charger(const std::string& id) {
  for (auto& c : chargers_)
    if (c.cfg.id == id) return &c;
  return nullptr;
}

MeterRuntime* SiteRuntime::find_meter(const std::string& id) {
  for (auto& m : meters_)
    if (m.cfg.id == id) return &m;
  return nullptr;
}

const MeterRuntime* SiteRuntime::find_meter(const std::string& id) const {
  for (const auto& m : meters_)
    if (m.cfg.id == id) return &m;
  return nullptr;
}

std::vector<BusStats> SiteRuntime::bus_stats() const {
  std::vector<BusStats> out;
  for (const auto& [id, bus] : buses_) out.push_back(bus->stats());
  return out;
}

}  // namespace ampgate::gateway
