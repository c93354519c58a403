#pragma once
// The one device registry: every model a site file may name, charger or meter, with how it
// is reached, its default unit id, the driver that serves it and what that driver can do.
// The site loader (config validation), `ampgate check` and `ampgate scan` ask it, so a new
// model is one row here (and its driver), not a name added in three places.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/charger.h"

namespace ampgate::drivers {

enum class DeviceKind : unsigned char { charger, meter };

enum class Reach : unsigned char {
  modbus,     // on a `bus` with a `unit` id
  p1_serial,  // its own serial `port` (DSMR P1 telegrams)
  p1_tcp,     // `host` + `port` streaming raw P1 telegrams (ser2net-style bridge)
  http,       // `host` (+ `port`) with an HTTP API (HomeWizard)
};

struct DeviceModel {
  std::string_view name;         // what the site file says
  std::string_view description;  // for docs, `ampgate check` and `ampgate scan`
  Reach reach = Reach::modbus;
  bool on_rtu = true;            // may sit on an RS485 bus
  bool on_tcp = true;            // may sit on a Modbus TCP link
  int default_unit = 0;          // 0 = the site file must give `unit`
  int default_port = 0;          // for p1_tcp/http: 0 = the site file must give `port`
  bool needs_registers = false;  // `custom` meter / `generic` charger: a `registers:` table
  // Chargers: the driver that serves the model (nullptr for meters).
  MakeChargerResult (*make)(const ChargerSettings&) = nullptr;
};

std::span<const DeviceModel> device_models(DeviceKind kind);
const DeviceModel* find_device_model(DeviceKind kind, std::string_view name);
std::vector<std::string_view> device_model_names(DeviceKind kind);

// What a charger model's driver can do, in words ("pause, end session, programmable
// watchdog, ..."), asked of the driver itself; empty for meters and for `generic`, whose
// abilities follow from its registers table.
std::string capability_summary(const DeviceModel& model);

}  // namespace ampgate::drivers
