#include "gateway/config_models.h"

#include <algorithm>
#include <array>

namespace ampgate::config {

namespace {

// Meters: the SmartEVSE and TeltoCharge supported lists plus the P1 variants. Modbus
// meters are RS485 devices but may be reached through an RTU-to-TCP gateway, so both
// link kinds are allowed; the Shelly Pro 3EM only speaks Modbus TCP.
constexpr std::array<ModelInfo, 22> meters{{
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

// Chargers: KEBA and Vestel are Modbus TCP devices answering on unit 255; TeltoCharge and
// SmartEVSE are RS485 devices.
constexpr std::array<ModelInfo, 5> chargers{{
    {"teltocharge", "Teltonika TeltoCharge, external control over RS485", Reach::modbus, true, false},
    {"keba_p30", "KEBA KeContact P30 c/x-series, Modbus TCP", Reach::modbus, false, true, 255},
    {"vestel_evc04", "Vestel EVC04 (also Webasto Unite, E.ON vBox), Modbus TCP", Reach::modbus, false, true, 255},
    {"smartevse", "SmartEVSE v3 over RS485", Reach::modbus, true, false},
    {"generic", "any Modbus charger, described by a `registers:` table", Reach::modbus, true, true, 0, 0, true},
}};

const ModelInfo* find_in(std::span<const ModelInfo> table, std::string_view name) {
  auto it = std::find_if(table.begin(), table.end(), [&](const ModelInfo& m) { return m.name == name; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace

std::span<const ModelInfo> meter_models() { return meters; }
std::span<const ModelInfo> charger_models() { return chargers; }
const ModelInfo* find_meter_model(std::string_view name) { return find_in(meters, name); }
const ModelInfo* find_charger_model(std::string_view name) { return find_in(chargers, name); }

}  // namespace ampgate::config
