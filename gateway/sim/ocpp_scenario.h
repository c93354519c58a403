#pragma once
// The scenario's `ocpp:` section: OCPP 1.6-J charge points (the EVNET class, seed 002) that
// the simulator runs as WebSocket clients of a central system (docs/simulator.md, "OCPP
// charge points"). Kept apart from scenario.h so the model's knobs live with the model.
#include <map>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace ampgate::sim {

struct ScenarioProblem;

// What a charger offers a car while its central system is out of reach with a
// transaction running (the seed names an offline "plug-in charge" mode at "the maximum
// permissible charging power" but not what happens to profiles already installed).
enum class OfflineLimits : unsigned char { device_limit, keep_profiles };

struct OcppChargePointSpec {
  std::string id;              // charge point identity: appended to the URL, Basic-auth user
  int line = 0;                // where it was declared in the scenario file (for errors)
  std::string central_system;  // ws://host:port/path or wss://…
  std::string password;        // HTTP Basic password; empty = no Authorization header
  std::string ca_file;         // wss: CA bundle to verify the server with; empty = system store
  bool tls_verify = true;      // wss: verify the server certificate and host name
  // For a charge point the site file does not list: where its single phase lands.
  std::string circuit = "mains";
  std::string phase = "L1";
  std::string id_tag = "EVNET-CARD";  // card shown at plug-in; empty = waits for RemoteStart
  bool plug_and_charge = true;        // the seed's Offline Mode "Plug & Charge" Enable/Disable
  OfflineLimits offline_limits = OfflineLimits::device_limit;
  bool reconnect = true;
  double reconnect_min = 1.0;   // simulated seconds before the first retry; doubles per failure
  double reconnect_max = 60.0;
  double call_timeout = 30.0;   // simulated seconds a call waits for its answer
  bool reject_profiles = false; // answer every SetChargingProfile with Rejected
  bool three_phase_profiles = true;  // accept numberPhases 3 (used on its one phase) or reject
  std::map<std::string, std::string> keys;  // configuration keys at power-on (Appendix II names)
};

struct OcppScenario {
  // A site charger whose `model` is this word is simulated as an OCPP charge point (its
  // id, circuit and phase map come from the site file; its URL from charge_points).
  std::string site_model = "ocpp";
  std::vector<OcppChargePointSpec> charge_points;
  const OcppChargePointSpec* find(const std::string& id) const {
    for (const auto& c : charge_points)
      if (c.id == id) return &c;
    return nullptr;
  }
};

// Reads the scenario's `ocpp:` node; each mistake becomes a problem with its line.
void read_ocpp_section(const YAML::Node& node, const std::string& file, OcppScenario& out,
                       std::vector<ScenarioProblem>& problems);

}  // namespace ampgate::sim
