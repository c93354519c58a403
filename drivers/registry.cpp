// The device registry's table (see registry.h). Facts from the vendors' manuals: KEBA and
// Vestel are Modbus TCP devices answering on unit 255; TeltoCharge and SmartEVSE are RS485
// devices. Modbus meters are RS485 devices but may be reached through an RTU-to-TCP gateway,
// so both link kinds are allowed; the Shelly Pro 3EM only speaks Modbus TCP.
#include "drivers/registry.h"

#include <algorithm>
#include <array>
#include <memory>

#include "drivers/chargers/generic_charger.h"
#include "drivers/chargers/keba_p30.h"
#include "drivers/chargers/smartevse.h"
#include "drivers/chargers/teltocharge.h"
#include "drivers/chargers/vestel_evc04.h"

namespace ampgate::drivers {
namespace {

template <typename T>
MakeChargerResult make(const ChargerSettings& s) {
  return {std::make_unique<T>(s), {}};
}

MakeChargerResult make_generic(const ChargerSettings& s) {
  if (auto e = check_generic_table(s); !e.empty()) return {nullptr, e};
  return {std::make_unique<GenericCharger>(s), {}};
}

constexpr std::array<DeviceModel, 5> charger_table{{
    {"teltocharge", "Teltonika TeltoCharge, external control over RS485", Reach::modbus, true, false, 0, 0, false,
     make<TeltoCharge>},
    {"keba_p30", "KEBA KeContact P30 c/x-series, Modbus TCP", Reach::modbus, false, true, 255, 0, false, make<KebaP30>},
    {"vestel_evc04", "Vestel EVC04 (also Webasto Unite, E.ON vBox), Modbus TCP", Reach::modbus, false, true, 255, 0,
     false, make<VestelEvc04>},
    {"smartevse", "SmartEVSE v3 over RS485", Reach::modbus, true, false, 0, 0, false, make<SmartEvse>},
    {"generic", "any Modbus charger, described by a `registers:` table", Reach::modbus, true, true, 0, 0, true,
     make_generic},
}};

// The SmartEVSE and TeltoCharge supported meter lists plus the P1 variants.
constexpr std::array<DeviceModel, 22> meter_table{{
    {"sdm630", "Eastron SDM630 (3-phase)"},
    {"sdm230", "Eastron SDM230 (1-phase)"},
    {"sdm72d", "Eastron SDM72D (3-phase)"},
    {"abb_b23", "ABB B23 212-100 (3-phase; A/B terminals swapped)"},
    {"finder_7e78", "Finder 7E.78.8.400.0212 (3-phase)"},
    {"finder_7m38", "Finder 7M.38.8.400.0212 (3-phase)"},
    {"phoenix_eem350", "Phoenix Contact EEM-350-D-MCB (3-phase)"},
    {"wago_879", "WAGO 879-30x0 (3-phase)"},
    {"inepro_pro380", "Inepro PRO-380-Mod (3-phase, WAGO-compatible)"},
    {"schneider_iem3x5x", "Schneider iEM3x5x (3-phase)"},
    {"chint_dtsu666", "Chint DTSU666 (3-phase)"},
    {"cg_em340", "Carlo Gavazzi EM340 (3-phase; A/B terminals swapped)"},
    {"cg_em24", "Carlo Gavazzi EM24 (3-phase)"},
    {"sinotimer_dts6619", "Sinotimer DTS6619 (3-phase)"},
    {"siemens_pac2200", "Siemens PAC2200 / 7KM2200 (3-phase)"},
    {"klefr_693x", "Klefr 6924 / 6934 (Vestel power-optimizer meter; 9600 8E1)"},
    {"shelly_pro3em", "Shelly Pro 3EM (Modbus TCP)", Reach::modbus, false, true},
    {"p1_dongle", "Smart-stuff P1 Modbus dongle (38400 8E1, unit 43 by default)", Reach::modbus, true, true, 43},
    {"p1_serial", "DSMR P1 port on a local serial adapter", Reach::p1_serial, false, false},
    {"p1_tcp", "DSMR P1 telegrams from a TCP bridge", Reach::p1_tcp, false, false},
    {"homewizard_p1", "HomeWizard Wi-Fi P1 meter (local HTTP API)", Reach::http, false, false, 0, 80},
    {"custom", "any Modbus meter, described by a `registers:` table", Reach::modbus, true, true, 0, 0, true},
}};

}  // namespace

std::span<const DeviceModel> device_models(DeviceKind kind) {
  if (kind == DeviceKind::charger) return charger_table;
  return meter_table;
}

const DeviceModel* find_device_model(DeviceKind kind, std::string_view name) {
  const auto all = device_models(kind);
  auto it = std::find_if(all.begin(), all.end(), [&](const DeviceModel& m) { return m.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::vector<std::string_view> device_model_names(DeviceKind kind) {
  std::vector<std::string_view> names;
  for (const auto& m : device_models(kind)) names.push_back(m.name);
  return names;
}

std::string capability_summary(const DeviceModel& model) {
  if (!model.make || model.needs_registers) return {};
  ChargerSettings s;
  s.model = std::string(model.name);
  s.unit = static_cast<std::uint8_t>(model.default_unit > 0 ? model.default_unit : 1);
  auto made = model.make(s);
  if (!made.charger) return {};
  const auto caps = made.charger->capabilities();
  std::string out;
  auto add = [&](bool has, const char* what) {
    if (has) out.append(out.empty() ? "" : ", ").append(what);
  };
  add(caps.can_pause, "pause");
  add(caps.can_end_session, "end session");
  add(caps.can_switch_phases, "1/3-phase switching");
  add(caps.watchdog_programmable, "programmable watchdog");
  add(caps.has_watchdog && !caps.watchdog_programmable, "fixed watchdog");
  add(caps.authorization, "authorization");
  add(caps.socket_lock, "socket lock");
  return out;
}

}  // namespace ampgate::drivers
