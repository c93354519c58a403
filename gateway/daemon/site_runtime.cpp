#include "gateway/daemon/site_runtime.h"

#include <stdexcept>

#include "drivers/meters/register_meter.h"
#include "gateway/config_driver.h"
#include "gateway/links/meter_links.h"

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

SiteRuntime::SiteRuntime(const config::Site& site, asio::io_context& io) : site_(site), post_(io) {
  for (const auto& b : site_.buses) buses_[b.id] = std::make_unique<Bus>(b, io);
  auto bus_of = [&](const std::string& id) -> Bus* {
    auto it = buses_.find(id);
    return it == buses_.end() ? nullptr : it->second.get();
  };

  for (const auto& c : site_.chargers) {
    auto made = drivers::make_charger(config::charger_settings(c));
    if (!made.charger) throw std::runtime_error("charger " + c.id + ": " + made.error);
    ChargerRuntime r;
    r.cfg = c;
    r.driver = std::move(made.charger);
    r.bus = bus_of(c.bus);
    if (r.bus) r.bus->limit_reads(c.unit, r.driver->max_read_registers());
    r.user = UserSettings::from_site(c);
    chargers_.push_back(std::move(r));
  }

  for (const auto& m : site_.meters) {
    MeterRuntime r;
    r.cfg = m;
    r.bus = bus_of(m.bus);
    if (!r.bus) {
      // P1 over a raw serial port, a TCP socket or HomeWizard's HTTP API: read by a link.
      auto made = links::make_meter_link(m, post_, [this, id = m.id] {
        if (on_meter_sample_) on_meter_sample_(id);
      });
      if (!made.meter) throw std::runtime_error("meter " + m.id + ": " + made.error);
      r.driver = std::move(made.meter);
      links_.push_back(std::move(made.link));
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
  for (auto& l : links_) l->start();
}

void SiteRuntime::stop() {
  for (auto& [id, bus] : buses_) bus->stop();
  post_.close();  // what a link delivered but the loop has not run yet is dropped
  for (auto& l : links_) l->stop();
}

ChargerRuntime* SiteRuntime::find_charger(const std::string& id) {
  for (auto& c : chargers_)
    if (c.cfg.id == id) return &c;
  return nullptr;
}

const ChargerRuntime* SiteRuntime::find_charger(const std::string& id) const {
  for (const auto& c : chargers_)
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

void SiteRuntime::carry_link_readings(const SiteRuntime& old) {
  for (auto& m : meters_) {
    const auto* o = old.find_meter(m.cfg.id);
    if (m.bus || !o || o->bus || o->cfg.model != m.cfg.model || o->cfg.serial_port != m.cfg.serial_port ||
        o->cfg.host != m.cfg.host || o->cfg.tcp_port != m.cfg.tcp_port || o->cfg.inverted != m.cfg.inverted)
      continue;
    auto* mine = dynamic_cast<links::LinkMeter*>(m.driver.get());
    const auto* theirs = dynamic_cast<const links::LinkMeter*>(o->driver.get());
    if (mine && theirs) mine->carry_over(*theirs);
  }
}

std::vector<BusStats> SiteRuntime::bus_stats() const {
  std::vector<BusStats> out;
  for (const auto& [id, bus] : buses_) out.push_back(bus->stats());
  return out;
}

std::size_t SiteRuntime::queued_writes() const {
  std::size_t n = 0;
  for (const auto& [id, bus] : buses_) n += bus->queued_writes();
  return n;
}

}  // namespace ampgate::gateway
