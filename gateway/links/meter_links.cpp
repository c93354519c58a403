#include "gateway/links/meter_links.h"

#include "gateway/links/p1_link.h"
#include "gateway/links/serial_autodetect.h"

namespace ampgate::gateway::links {

namespace {

using namespace std::chrono_literals;

std::unique_ptr<drivers::p1::P1Source> source_for(const config::Meter& m, P1LinkTiming& timing) {
  if (m.model == "p1_serial") return std::make_unique<AutodetectSerialSource>(m.serial_port);
  if (m.model == "p1_tcp") return std::make_unique<drivers::p1::TcpSource>(m.host, m.tcp_port);
  if (m.model == "homewizard_p1") {
    // The device refreshes its data once a second (DSMR 5); asking more often only loads
    // its Wi-Fi. A 2 s timeout keeps one lost request from making the reading stale.
    timing.min_period = 1s;
    timing.read_timeout = 2s;
    return std::make_unique<drivers::p1::HomeWizardSource>(m.host, m.tcp_port);
  }
  return nullptr;
}

}  // namespace

MeterLink make_meter_link(const config::Meter& m, const LoopPost& post, std::function<void()> on_reading) {
  MeterLink out;
  P1LinkTiming timing;
  auto source = source_for(m, timing);
  if (!source) {
    out.error = "model " + m.model + " is neither on a Modbus bus nor read by a link";
    return out;
  }
  out.meter = std::make_unique<LinkMeter>(m.id, m.model, m.inverted);
  auto sink = [post, meter = out.meter.get(), on_reading = std::move(on_reading)](MeterUpdate u) {
    post([meter, on_reading, u = std::move(u)] {
      if (meter->accept(u) && on_reading) on_reading();
    });
  };
  out.link = std::make_unique<P1Link>(std::move(source), timing, std::move(sink));
  return out;
}

}  // namespace ampgate::gateway::links
