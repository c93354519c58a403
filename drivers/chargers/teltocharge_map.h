#pragma once
// TeltoCharge "External control RS485" register map (holding registers, 0-based wire
// addresses 0..44) and the names of its enumerations and bit fields (the vendor's tables
// a..f). Facts from the Teltonika Energy wiki page of June 2025; see docs/chargers.md for
// what is unconfirmed.
#include <cstdint>
#include <string>
#include <vector>

namespace ampgate::drivers::teltocharge {

namespace reg {
inline constexpr std::uint16_t voltage_l1 = 0;        // s16 V (L2 = 1, L3 = 2)
inline constexpr std::uint16_t current_l1 = 3;        // s16 0.1 A (L2 = 4, L3 = 5)
inline constexpr std::uint16_t evse_status = 6;       // table a
inline constexpr std::uint16_t status_time = 7;       // u32 s, low word first (7, 8)
inline constexpr std::uint16_t evse_id = 9;           // always 21571 ("TC")
inline constexpr std::uint16_t three_phase_possible = 10;
inline constexpr std::uint16_t phase_change_possible = 11;
inline constexpr std::uint16_t amp_limit = 12;        // A the EVSE can supply
inline constexpr std::uint16_t phase_connected = 13;  // phase table
inline constexpr std::uint16_t phase_to_use = 14;     // R/W phase table
inline constexpr std::uint16_t amps_to_use = 15;      // R/W A: the setpoint (0, 6..32)
inline constexpr std::uint16_t request_stop = 16;     // R/W 0/1
inline constexpr std::uint16_t request_authorize = 17;  // R/W 0/1
inline constexpr std::uint16_t socket_lock = 18;      // R/W 0 auto, 1 always locked, 2 force unlock
inline constexpr std::uint16_t comm_timeout = 19;     // R/W s, 0 = no watchdog (0..600)
inline constexpr std::uint16_t failsafe_current = 20;  // R/W A (0, 6..32)
inline constexpr std::uint16_t request_reboot = 21;   // R/W 0/1 (never written by ampgate)
inline constexpr std::uint16_t require_authorization = 22;
inline constexpr std::uint16_t product_code = 23;     // EVCxxxx
inline constexpr std::uint16_t serial = 24;           // u32, low word first (24, 25)
inline constexpr std::uint16_t firmware = 26;
inline constexpr std::uint16_t charge_point_state = 27;  // table b
inline constexpr std::uint16_t max_power_from_grid = 28;  // A (installer setting)
inline constexpr std::uint16_t user_max_current = 29;     // A
inline constexpr std::uint16_t lock_status = 30;          // 0 unlocked, 1 locked
inline constexpr std::uint16_t temperature = 31;          // s16 0.1 °C
inline constexpr std::uint16_t ocpp_connected = 32;
inline constexpr std::uint16_t iec_state = 33;            // table c
inline constexpr std::uint16_t warnings = 34;             // bits, table d
inline constexpr std::uint16_t errors = 35;               // bits, table e
inline constexpr std::uint16_t limit_cause = 36;          // table f
inline constexpr std::uint16_t max_supported_power = 37;  // 0 7.4 kW, 1 11 kW, 2 22 kW
inline constexpr std::uint16_t power = 38;                // u16 W
inline constexpr std::uint16_t session_energy = 39;       // u16 0.01 kWh
inline constexpr std::uint16_t session_duration = 40;     // u16 s
inline constexpr std::uint16_t lifetime_energy = 41;      // u64 0.01 kWh, low word first (41..44)
inline constexpr std::uint16_t last = 44;
}  // namespace reg

inline constexpr std::uint16_t evse_id_value = 21571;  // 0x5443, ASCII "TC"
inline constexpr double energy_wh_per_count = 10.0;    // "*100 kWh" read as hundredths of a kWh

// Table a: EVSE status in dynamic load management (register 6).
inline const std::vector<std::string>& evse_status_names() {
  static const std::vector<std::string> n = {
      "C_charging",                      // 0
      "B1_authorized_waiting_for_ev",    // 1
      "B2_was_charging_not_enough_power",  // 2
      "B3_not_charging_not_enough_power",  // 3
      "D1_stopped_by_ev",                // 4
      "D2_not_authorized",               // 5
      "D3_charging_not_allowed",         // 6: simplified CP or state D refused
      "A_no_ev",                         // 7
      "F_error",                         // 8
      "E_unknown",                       // 9
  };
  return n;
}

// Table b: charge point state (register 27).
inline const std::vector<std::string>& charge_point_state_names() {
  static const std::vector<std::string> n = {
      "no_ev_connected", "awaiting_permission", "charging_authorized", "charging",  "charging_paused",
      "charge_successful", "stopped_by_user",   "charging_error",      "reserved", "other",
  };
  return n;
}

// Table c: IEC 61851 state detail (register 33).
inline const std::vector<std::string>& iec_state_names() {
  static const std::vector<std::string> n = {
      "A_no_vehicle", "B1_pending_authorization", "B2_ready_pwm_active", "C1_no_pwm", "C2_charging",
      "D1_no_pwm_ventilation", "D2_charging_ventilation", "E_cp_fault", "F_evse_fault",
  };
  return n;
}

// Table d: warning bits (register 34), index = bit position.
inline const std::vector<std::string>& warning_names() {
  static const std::vector<std::string> n = {
      "midplate_open",                     // 0 (hardware dependent)
      "temperature_warning",               // 1
      "current_above_allowed",             // 2
      "ventilation_required",              // 3
      "real_time_clock_lost",              // 4
      "simplified_cp_denied",              // 5
      "simplified_cp_detected",            // 6
      "charging_without_ventilation_denied",  // 7
      "pen_ct_not_calibrated",             // 8 (hardware dependent)
      "nfc_module_fault",                  // 9
      "pen_fault_detected",                // 10 (hardware dependent)
  };
  return n;
}

// Table e: error bits (register 35), index = bit position.
inline const std::vector<std::string>& error_names() {
  static const std::vector<std::string> n = {
      "input_voltage_out_of_range",   // 0
      "output_voltage_out_of_range",  // 1
      "leakage_sensor_test_failed",   // 2
      "ev_diode_or_cp_fault",         // 3
      "overcurrent",                  // 4
      "temperature_error",            // 5
      "pen_fault_active",             // 6 (UK hardware only)
      "proximity_pilot_error",        // 7
      "current_leakage",              // 8
      "socket_lock_error",            // 9
      "internal_error",               // 10
  };
  return n;
}

// Table f: current limit cause (register 36). The register is documented 0..8 but the
// table names only 0..7; 8 decodes as undocumented.
inline const std::vector<std::string>& limit_cause_names() {
  static const std::vector<std::string> n = {
      "hardware_limits", "max_power_from_grid", "user_setting", "charging_cable",
      "simple_cp_sequence", "evse_default_settings", "load_balance", "temperature",
  };
  return n;
}

// Phase selection (registers 13 and 14).
inline const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> n = {"L1", "L2", "L3", "L1_L2", "L1_L3", "L2_L3", "three_phase", "none"};
  return n;
}
inline constexpr std::uint16_t phase_l1 = 0;
inline constexpr std::uint16_t phase_three = 6;

inline const std::vector<std::string>& socket_lock_names() {
  static const std::vector<std::string> n = {"auto", "always_locked", "force_unlock"};
  return n;
}

// Register 37.
inline const std::vector<std::string>& max_supported_power_names() {
  static const std::vector<std::string> n = {"7.4kW_1ph_32A", "11kW_3ph_16A", "22kW_3ph_32A"};
  return n;
}

}  // namespace ampgate::drivers::teltocharge
