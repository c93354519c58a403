#pragma once
// The validated site model: what site.yaml describes, after loading and checking
// (gateway/config_load.h). Every consumer (simulator, control loop, API) reads this,
// never the YAML. All currents are in amperes, times in seconds, voltages in volts.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "drivers/modbus.h"
#include "gateway/view/words.h"  // Mode, MeterRole, ModeSettings, mains_circuit_id

namespace ampgate::config {

// Where a value came from in the site file, so errors and `ampgate check` can point at it.
struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 = not from a file (default value)
  int column = 0;  // 1-based
};

enum class Phase : std::uint8_t { L1 = 0, L2 = 1, L3 = 2 };
enum class Sharing : std::uint8_t { equal, priority };
enum class PhaseMode : std::uint8_t { one, three, mixed };
enum class Parity : std::uint8_t { none, even, odd };

const char* to_string(Phase p);      // "L1"
const char* to_string(Sharing s);    // "equal"
const char* to_string(PhaseMode m);  // "1", "3", "mixed"
const char* to_string(Parity p);     // "N", "E", "O"

struct SiteInfo {
  std::string name;
  int phases = 3;                  // 1 or 3
  double voltage = 230.0;          // nominal phase-to-neutral voltage
  double mains_fuse = 25.0;        // per phase
  std::string mains_meter;         // meter id, empty = no mains meter (static sharing only)
  double safety_margin = 0.0;      // kept free below every limit
  std::optional<double> max_sum_mains;   // sum of the three phases (capacity tariff)
  double max_sum_mains_grace = 0.0;      // seconds over the sum limit before pausing
  Location where;
};

struct RtuLink {
  std::string port;                // e.g. /dev/serial/by-id/usb-FTDI_...
  int baud = 9600;
  Parity parity = Parity::none;
  int data_bits = 8;
  int stop_bits = 1;
  bool rs485 = false;              // ask the driver for RS485 mode (modbus_rtu_set_serial_mode)
  bool rts = false;                // drive RTS for direction on adapters that need it
  double response_timeout = 0.5;
};

struct TcpLink {
  std::string host;
  int port = 502;
  double timeout = 1.0;
};

struct Bus {
  std::string id;
  std::variant<RtuLink, TcpLink> link;
  Location where;
};

// A register table for a meter the driver list lacks (SmartEVSE's "Custom" option).
// Keys: current_l1..3, voltage_l1..3, power_l1..3, power_total, import_energy, export_energy.
using CustomMeterTable = std::map<std::string, modbus::RegisterSpec>;

struct Meter {
  std::string id;
  std::string bus;
  std::uint8_t unit = 1;
  std::string model;                      // from the driver list, or "custom"
  std::optional<CustomMeterTable> custom;  // when model == "custom"
  bool inverted = false;                  // fed from below: flip the sign of currents/powers
  MeterRole role = MeterRole::mains;
  // Meters without a Modbus bus (models p1_serial, p1_tcp, homewizard_p1): where to reach
  // them. `bus` is empty for these.
  std::string serial_port;  // p1_serial: serial device, e.g. /dev/ttyUSB1
  std::string host;         // p1_tcp, homewizard_p1
  int tcp_port = 0;         // p1_tcp, homewizard_p1
  Location where;
};

// Registers of a charger the driver list lacks. Keys: current_setpoint, enable, status,
// current_l1..3, power, energy, watchdog_timeout, failsafe_current.
using GenericChargerTable = std::map<std::string, modbus::RegisterSpec>;

struct Charger {
  std::string id;
  std::string bus;
  std::uint8_t unit = 1;
  std::string model;                          // teltocharge, keba_p30, vestel_evc04, smartevse, generic
  std::optional<GenericChargerTable> generic;  // when model == "generic"
  bool pause_with_zero = false;               // generic: current_setpoint takes 0 A, which pauses
  std::string circuit = mains_circuit_id;
  int phases = 3;                             // wired phases: 1 or 3
  std::array<Phase, 3> phase_map{Phase::L1, Phase::L2, Phase::L3};  // charger L1/L2/L3 -> site phase
  double min_current = 6.0;
  double max_current = 16.0;
  int priority = 0;                           // higher is served first in priority sharing
  double failsafe_current = 0.0;              // what the charger falls back to when its watchdog expires
  double watchdog_timeout = 30.0;
  Mode mode = Mode::fast;
  ModeSettings mode_settings;
  Location where;
};

struct Circuit {
  std::string id;
  std::string parent = mains_circuit_id;
  double limit = 0.0;     // per phase
  std::string meter;      // meter id, empty = unmetered (holds only its chargers)
  Location where;
};

struct Policy {
  Sharing sharing = Sharing::equal;
  PhaseMode phase_mode = PhaseMode::three;
  double control_period = 1.0;
  double solar_stop_delay = 30.0;     // seconds at minimum current, short of surplus, before pausing
  double solar_start_delay = 120.0;   // seconds of sustained surplus before (re)starting
  double meter_lost_fallback = 0.0;   // per phase current allowed for a circuit whose meter is stale; 0 pauses
  double meter_stale_after = 5.0;     // seconds without a fresh reading before a meter counts as stale
  double phase_switch_hysteresis = 1.0;  // amps above the 3-phase minimum before switching back to 3
  double phase_switch_min_dwell = 300.0; // seconds a phase count holds before it may change again
  Location where;
};

struct Api {
  std::string listen = "127.0.0.1";
  int port = 8080;
  std::string token_file = "/var/lib/ampgate/api-token";
  bool reads_need_token = false;
  Location where;
};

// The `mqtt` section: a broker that home automation and fleet dashboards read (issue 16).
// Absent = no MQTT. A broker that cannot be reached never affects the control loop.
struct Mqtt {
  bool enabled = false;                // true when the section is present
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string ca_file;                 // TLS when set (the broker's CA)
  std::string cert_file;               // client certificate and key (optional, with ca_file)
  std::string key_file;
  std::string username;
  std::string password_file;           // first line is the password
  std::string client_id;               // default "ampgate-<site name>"
  std::string topic_prefix;            // default "ampgate/<site name>"
  std::string discovery_prefix = "homeassistant";  // empty = no Home Assistant discovery
  int qos = 1;
  bool retain = true;
  Location where;
};

struct Storage {
  std::string database = "/var/lib/ampgate/ampgate.db";
  int retention_days = 30;
  Location where;
};

struct Site {
  std::string source;  // the file it was loaded from
  SiteInfo site;
  std::vector<Bus> buses;
  std::vector<Meter> meters;
  std::vector<Charger> chargers;
  std::vector<Circuit> circuits;  // excluding the implicit mains root
  Policy policy;
  Api api;
  Mqtt mqtt;
  Storage storage;

  const Bus* find_bus(const std::string& id) const;
  const Meter* find_meter(const std::string& id) const;
  const Charger* find_charger(const std::string& id) const;
  const Circuit* find_circuit(const std::string& id) const;  // nullptr for "mains"
  // Limit of a circuit per phase; for "mains" that is the mains fuse.
  double circuit_limit(const std::string& id) const;
};

}  // namespace ampgate::config
