#include "gateway/sim/ocpp_keys.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace ampgate::sim::ocpp {

namespace {

// Seed 002, Appendix II, in its order. The c_ keys are the vendor's own and writable (an
// installer sets them); c_DeviceLimit_I and c_MainFuseLimit are in tenths of an ampere.
constexpr std::array<KeyInfo, 28> table{{
    {"AllowOfflineTxForUnknownId", "TRUE", false, KeyType::boolean},
    {"AuthorizationEnabled", "TRUE", false, KeyType::boolean},
    {"AuthorizeRemoteTxRequests", "TRUE", false, KeyType::boolean},
    {"ChargeProfileMaxStackLevel", "100", true, KeyType::integer, 0, 1000},
    {"ChargingScheduleAllowedChargingRateUnit", "A,W", true, KeyType::text},
    {"ChargingScheduleMaxPeriods", "60", true, KeyType::integer, 1, 1000},
    {"ClockAlignedDataInterval", "0", false, KeyType::integer, 0, 86400},
    {"ConnectionTimeOut", "60", false, KeyType::integer, 0, 3600},
    {"ConnectorSwitch3to1PhaseSupported", "FALSE", true, KeyType::boolean},
    {"c_ChargingVentilatedEnabled", "FALSE", false, KeyType::boolean},
    {"c_DeviceLimit_I", "320", false, KeyType::integer, 60, 320},
    {"c_MainFuseLimit", "600", false, KeyType::integer, 60, 1000},
    {"c_RCDProtectionType", "0", false, KeyType::integer, 0, 2},
    {"c_VoltageProtectionOffset", "0", false, KeyType::integer, 0, 23},
    {"GetConfigurationMaxKeys", "5", true, KeyType::integer, 1, 100},
    {"HeartbeatInterval", "60", false, KeyType::integer, 1, 86400},
    {"LightIntensity", "20", false, KeyType::integer, 0, 100},
    {"LocalAuthListEnabled", "FALSE", false, KeyType::boolean},
    {"LocalAuthListMaxLength", "0", true, KeyType::integer, 0, 1000},
    {"LocalAuthorizeOffline", "TRUE", false, KeyType::boolean},
    {"LocalPreAuthorize", "FALSE", false, KeyType::boolean},
    {"MaxChargingProfilesInstalled", "10", true, KeyType::integer, 1, 100},
    {"MeterValueSampleInterval", "60", false, KeyType::integer, 0, 86400},
    {"MeterValuesSampledData",
     "Voltage.L1-N,Voltage.N,Temperature,Current.Offered.L1,Current.Import.L1,Power.Active.Import.L1,"
     "Energy.Active.Import.Register.L1",
     false, KeyType::measurands},
    {"NumberOfConnectors", "1", true, KeyType::integer, 1, 1},
    {"SendLocalListMaxLength", "0", true, KeyType::integer, 0, 1000},
    {"StopTransactionOnEVSideDisconnect", "TRUE", false, KeyType::boolean},
    {"StopTransactionOnInvalidId", "TRUE", false, KeyType::boolean},
}};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (ch != ' ') {
      cur += ch;
    }
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

}  // namespace

bool known_measurand(const std::string& entry) {
  static const char* bases[] = {"Current.Import", "Current.Offered", "Energy.Active.Import.Register",
                                "Power.Active.Import", "Voltage", "Temperature"};
  static const char* phases[] = {"", ".L1", ".L1-N", ".N"};
  for (const char* b : bases)
    for (const char* p : phases)
      if (entry == std::string(b) + p) return true;
  return false;
}

ConfigKeys::ConfigKeys() {
  for (const auto& k : table) values_.emplace(k.name, k.value);
}

const KeyInfo* ConfigKeys::info(const std::string& key) const {
  for (const auto& k : table)
    if (key == k.name) return &k;
  return nullptr;
}

bool ConfigKeys::valid(const KeyInfo& k, const std::string& v) const {
  switch (k.type) {
    case KeyType::boolean: return v == "TRUE" || v == "FALSE" || v == "true" || v == "false";
    case KeyType::integer: {
      if (v.empty()) return false;
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      return *end == 0 && n >= k.min && n <= k.max;
    }
    case KeyType::measurands: {
      const auto items = split(v);
      return std::all_of(items.begin(), items.end(), known_measurand);
    }
    case KeyType::text: return true;
  }
  return false;
}

std::string ConfigKeys::preset(const std::string& key, const std::string& value) {
  const KeyInfo* k = info(key);
  if (!k) return "unknown configuration key '" + key + "'";
  if (!valid(*k, value)) return "'" + value + "' is not a valid value for " + key;
  values_[key] = value;
  return "";
}

std::string ConfigKeys::change(const std::string& key, const std::string& value) {
  const KeyInfo* k = info(key);
  if (!k) return "NotSupported";
  if (k->readonly || !valid(*k, value)) return "Rejected";
  values_[key] = value;
  return "Accepted";
}

std::optional<std::string> ConfigKeys::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool ConfigKeys::readonly(const std::string& key) const {
  const KeyInfo* k = info(key);
  return k && k->readonly;
}

std::vector<std::string> ConfigKeys::names() const {
  std::vector<std::string> out;
  for (const auto& k : table) out.push_back(k.name);
  return out;
}

long ConfigKeys::integer(const std::string& key) const { return std::strtol(values_.at(key).c_str(), nullptr, 10); }

bool ConfigKeys::boolean(const std::string& key) const {
  const auto& v = values_.at(key);
  return v == "TRUE" || v == "true";
}

std::vector<std::string> ConfigKeys::list(const std::string& key) const { return split(values_.at(key)); }

}  // namespace ampgate::sim::ocpp
