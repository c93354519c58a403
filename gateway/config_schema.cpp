#include "gateway/config_schema.h"

#include <algorithm>
#include <array>

namespace ampgate::config {

namespace {

using K = std::string_view;
constexpr std::array<K, 9> top{"site", "buses", "meters", "chargers", "circuits", "policy", "api", "mqtt", "storage"};
constexpr std::array<K, 8> site{"name", "phases", "voltage", "mains_fuse", "mains_meter", "safety_margin",
                                "max_sum_mains", "max_sum_mains_grace"};
constexpr std::array<K, 3> bus{"id", "rtu", "tcp"};
constexpr std::array<K, 8> rtu{"port", "baud", "parity", "data_bits", "stop_bits", "rs485", "rts", "response_timeout"};
constexpr std::array<K, 3> tcp{"host", "port", "timeout"};
constexpr std::array<K, 9> meter{"id", "model", "role", "bus", "unit", "port", "host", "inverted", "registers"};
constexpr std::array<K, 12> meter_registers{"current_l1", "current_l2", "current_l3", "voltage_l1",
                                            "voltage_l2", "voltage_l3", "power_l1", "power_l2",
                                            "power_l3", "power_total", "import_energy", "export_energy"};
constexpr std::array<K, 16> charger{"id", "model", "bus", "unit", "circuit", "phases", "phase_map",
                                    "min_current", "max_current", "priority", "failsafe_current",
                                    "watchdog_timeout", "mode", "mode_settings", "registers", "pause_with_zero"};
constexpr std::array<K, 2> mode_settings{"eco_grid_current", "eco_plus_start_surplus"};
constexpr std::array<K, 10> charger_registers{"current_setpoint", "enable", "status", "current_l1",
                                              "current_l2", "current_l3", "power", "energy",
                                              "watchdog_timeout", "failsafe_current"};
constexpr std::array<K, 5> register_entry{"address", "function", "type", "word_order", "scale"};
constexpr std::array<K, 4> circuit{"id", "parent", "limit", "meter"};
constexpr std::array<K, 9> policy{"sharing", "phase_mode", "control_period", "solar_stop_delay",
                                  "solar_start_delay", "meter_lost_fallback", "meter_stale_after",
                                  "phase_switch_hysteresis", "phase_switch_min_dwell"};
constexpr std::array<K, 4> api{"listen", "port", "token_file", "reads_need_token"};
constexpr std::array<K, 10> mqtt{"host", "port", "tls", "username", "password_file", "client_id",
                                 "topic_prefix", "discovery_prefix", "qos", "retain"};
constexpr std::array<K, 3> mqtt_tls{"ca_file", "cert_file", "key_file"};
constexpr std::array<K, 2> storage{"database", "retention_days"};

const std::array<SectionKeys, 17> schema{{
    {"top", top},
    {"site", site},
    {"buses[]", bus},
    {"buses[].rtu", rtu},
    {"buses[].tcp", tcp},
    {"meters[]", meter},
    {"meters[].registers", meter_registers},
    {"chargers[]", charger},
    {"chargers[].mode_settings", mode_settings},
    {"chargers[].registers", charger_registers},
    {"registers.*", register_entry},
    {"circuits[]", circuit},
    {"policy", policy},
    {"api", api},
    {"mqtt", mqtt},
    {"mqtt.tls", mqtt_tls},
    {"storage", storage},
}};

}  // namespace

std::span<const SectionKeys> site_schema() { return schema; }

const SectionKeys* find_section(std::string_view section) {
  auto all = site_schema();
  auto it = std::find_if(all.begin(), all.end(), [&](const SectionKeys& s) { return s.section == section; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace ampgate::config
