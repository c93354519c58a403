#pragma once
// Builds the link and the loop-side meter for a site meter that is not on a Modbus bus
// (models p1_serial, p1_tcp, homewizard_p1).
#include <functional>
#include <memory>
#include <string>

#include "gateway/config.h"
#include "gateway/links/link.h"
#include "gateway/links/link_meter.h"

namespace ampgate::gateway::links {

struct MeterLink {
  std::unique_ptr<LinkMeter> meter;  // owned by the runtime's MeterRuntime
  std::unique_ptr<Link> link;        // started and stopped by the runtime
  std::string error;                 // when both are null
};

// `on_reading` runs on the loop thread after `meter` took a new reading (see
// SiteRuntime::on_meter_sample). The meter must outlive the link's deliveries: the runtime
// stops the link and closes `post` before either goes away.
MeterLink make_meter_link(const config::Meter& m, const LoopPost& post, std::function<void()> on_reading);

}  // namespace ampgate::gateway::links
