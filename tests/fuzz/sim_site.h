#pragma once
// The simulator's devices behind its bus servers, for the frame targets: every simulated
// model on one site (an RS485 bus with TeltoCharge, SmartEVSE, a generic charger, an SDM630
// and a P1 dongle; KEBA and Vestel each on a TCP bus), routed by (bus, unit) as the
// simulator's dispatcher routes them. The servers' own framing classes keep their parsing
// private, so the targets frame requests themselves by the same rules (docs/simulator.md).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config_load.h"
#include "gateway/sim/device.h"
#include "gateway/sim/dispatch.h"
#include "tests/fuzz/fuzz_bytes.h"

namespace ampgate::fuzz {

inline constexpr const char* sim_site_yaml = R"(
site: {name: Fuzz, phases: 3, mains_fuse: 63, mains_meter: grid}
buses:
  - {id: rs485, rtu: {port: /dev/null, baud: 19200, parity: N}}
  - {id: keba-lan, tcp: {host: 127.0.0.1, port: 5020}}
  - {id: vestel-lan, tcp: {host: 127.0.0.1, port: 5021}}
meters:
  - {id: grid, model: sdm630, bus: rs485, unit: 11, role: mains}
  - {id: p1, model: p1_dongle, bus: rs485, unit: 43, role: ev}
chargers:
  - {id: workshop, model: teltocharge, bus: rs485, unit: 1, max_current: 32}
  - {id: evse, model: smartevse, bus: rs485, unit: 2, max_current: 16}
  - id: gen
    model: generic
    bus: rs485
    unit: 3
    max_current: 16
    registers:
      current_setpoint: {address: 100}
      enable: {address: 101}
      status: {address: 102}
      current_l1: {address: 200, function: input, type: f32}
      power: {address: 210, function: input, type: u32, word_order: low_first}
      energy: {address: 220, type: f64, scale: 0.1}
  - {id: keba, model: keba_p30, bus: keba-lan, max_current: 32}
  - {id: vestel, model: vestel_evc04, bus: vestel-lan, max_current: 32}
)";

class SimSite {
 public:
  // Fresh devices for each input (so that an input replays alone as it ran); the site
  // file is loaded once.
  SimSite() {
    static const config::Site site = [] {
      auto r = config::load_site_text(sim_site_yaml, "sim-fuzz.yaml");
      FUZZ_CHECK(r.site.has_value());
      return *r.site;
    }();
    std::string error;
    for (const auto& c : site.chargers) add(c.bus, sim::make_charger(c, error));
    for (const auto& m : site.meters) add(m.bus, sim::make_meter(m, error));
    FUZZ_CHECK(error.empty());
  }

  bool has_unit(const std::string& bus, std::uint8_t unit) const { return devices_.contains({bus, unit}); }

  // The simulator's dispatch: broadcast reaches every device on the bus and is not
  // answered; otherwise the one device answers. Every answer must be well formed.
  sim::Pdu answer(const std::string& bus, std::uint8_t unit, const sim::Pdu& request, double now) {
    if (unit == 0) {
      for (auto& [key, d] : devices_)
        if (key.first == bus) d->serve(request, now);
      return {};
    }
    const sim::Pdu out = devices_.at({bus, unit})->serve(request, now);
    check_answer(request, out);
    return out;
  }

 private:
  void add(const std::string& bus, std::unique_ptr<sim::SimDevice> d) {
    FUZZ_CHECK(d != nullptr);
    d->booted(0.0);
    const std::uint8_t unit = d->unit();
    devices_[{bus, unit}] = std::move(d);
  }

  static void check_answer(const sim::Pdu& rq, const sim::Pdu& out) {
    FUZZ_CHECK(!out.empty());
    if (out[0] & 0x80) {
      FUZZ_CHECK(out.size() == 2);
      return;
    }
    FUZZ_CHECK(!rq.empty() && out[0] == rq[0]);
    if (out[0] == 3 || out[0] == 4) {
      const std::size_t count = (std::size_t{rq[3]} << 8) | rq[4];
      FUZZ_CHECK(out.size() == 2 + 2 * count && out[1] == 2 * count);
    }
  }

  std::map<std::pair<std::string, std::uint8_t>, std::unique_ptr<sim::SimDevice>> devices_;
};

}  // namespace ampgate::fuzz
