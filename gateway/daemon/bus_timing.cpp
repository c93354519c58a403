// The poll timing of a site's serial buses, from the devices' own requests (for `ampgate check`).
#include <cstdio>
#include <variant>

#include <asio/io_context.hpp>

#include "gateway/daemon/poller.h"

namespace ampgate::gateway {

std::vector<BusTiming> site_bus_timing(const SiteRuntime& runtime) {
  const auto& site = runtime.site();
  TimingTargets targets{site.policy.control_period, site.policy.meter_stale_after};
  std::vector<BusTiming> out;
  for (const auto& b : site.buses) {
    const auto* rtu = std::get_if<config::RtuLink>(&b.link);
    if (!rtu) continue;
    LineTiming line;
    line.baud = rtu->baud;
    line.bits_per_char = 1 + rtu->data_bits + (rtu->parity == config::Parity::none ? 0 : 1) + rtu->stop_bits;
    std::vector<PolledDevice> devices;
    for (const auto& m : runtime.meters())
      if (m.driver && m.cfg.bus == b.id) devices.push_back({m.cfg.id, true, m.driver->poll(drivers::PollLevel::fast)});
    for (const auto& c : runtime.chargers())
      if (c.cfg.bus == b.id) devices.push_back({c.cfg.id, false, c.driver->poll(drivers::PollLevel::fast)});
    out.push_back(bus_timing(b.id, line, devices, targets));
  }
  return out;
}

std::vector<BusTiming> site_bus_timing(const config::Site& site) {
  asio::io_context io;  // the runtime opens no port until started
  SiteRuntime runtime(site, io);
  return site_bus_timing(runtime);
}

std::string describe(const BusTiming& t) {
  char buf[256];
  if (t.meter_gap > 0)
    std::snprintf(buf, sizeof buf, "bus %s: meters read every %.2f s (%.0f %% of the line), at most %.2f s apart; ",
                  t.bus.c_str(), t.meter_interval, 100 * t.meter_share, t.meter_gap);
  else
    std::snprintf(buf, sizeof buf, "bus %s: no meter; ", t.bus.c_str());
  std::string out = buf;
  if (t.chargers == 0) return out + "no charger";
  std::snprintf(buf, sizeof buf, "%d charger%s read once every %.2f s", t.chargers, t.chargers == 1 ? "" : "s",
                t.charger_round);
  return out + buf;
}

}  // namespace ampgate::gateway
