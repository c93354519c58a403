#pragma once
// The bridge from the site model to the drivers: the settings a charger's driver is made
// with, and what that driver says it can do. The loader asks the driver itself (pause,
// watchdog, its largest current) instead of keeping a second table of the same facts.
#include <string>

#include "drivers/charger.h"
#include "gateway/config.h"

namespace ampgate::config {

drivers::ChargerSettings charger_settings(const Charger& c);

// What the charger's driver reports before any read; empty `error` when it could be made.
struct DriverFacts {
  drivers::Capabilities caps;
  std::string error;
};
DriverFacts driver_facts(const Charger& c);

// How the gateway reserves the charger while it does not answer, in words for `check`.
std::string silent_reservation(const Charger& c, const drivers::Capabilities& caps);

}  // namespace ampgate::config
