#pragma once
// The device models a site file may name, in one table, so the loader, the docs test,
// `ampgate check` and the driver factory agree on the spelling and on how each model
// is reached (Modbus on a bus, or a P1 port of its own).
#include <span>
#include <string_view>

namespace ampgate::config {

enum class Reach : unsigned char {
  modbus,     // on a `bus` with a `unit` id
  p1_serial,  // its own serial `port` (DSMR P1 telegrams)
  p1_tcp,     // `host` + `port` streaming raw P1 telegrams (ser2net-style bridge)
  http,       // `host` (+ `port`) with an HTTP API (HomeWizard)
};

struct ModelInfo {
  std::string_view name;         // what the site file says
  std::string_view description;  // for docs and `ampgate check`
  Reach reach = Reach::modbus;
  bool on_rtu = true;            // may sit on an RS485 bus
  bool on_tcp = true;            // may sit on a Modbus TCP link
  int default_unit = 0;          // 0 = the site file must give `unit`
  int default_port = 0;          // for p1_tcp/http: 0 = the site file must give `port`
  bool needs_registers = false;  // `custom` meter / `generic` charger: a `registers:` table
};

std::span<const ModelInfo> meter_models();
std::span<const ModelInfo> charger_models();
const ModelInfo* find_meter_model(std::string_view name);
const ModelInfo* find_charger_model(std::string_view name);

}  // namespace ampgate::config
