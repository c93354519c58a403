#pragma once
// The requests a charge point sends to the central system (OCPP 1.6 section 4), parsed
// and validated into typed values, and the confirmations we answer with.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/ocpp/fields.h"

namespace ampgate::ocpp {

template <class T>
using Parse = std::variant<T, Violation>;

struct BootNotification {
  std::string vendor, model, serial_number, firmware_version, meter_type;
};
struct Heartbeat {};

enum class ConnectorStatus : unsigned char {
  Available, Preparing, Charging, SuspendedEVSE, SuspendedEV, Finishing, Reserved, Unavailable, Faulted
};
const char* to_string(ConnectorStatus s);

struct StatusNotification {
  int connector_id = 0;          // 0 = the charge point as a whole
  ConnectorStatus status = ConnectorStatus::Unavailable;
  std::string error_code;        // ChargePointErrorCode word, "NoError" when healthy
  std::string info, timestamp, vendor_error_code;
};
struct Authorize {
  std::string id_tag;
};
struct StartTransaction {
  int connector_id = 1;
  std::string id_tag;
  long long meter_start_wh = 0;
  std::optional<int> reservation_id;
  std::string timestamp;
  int transaction_id = 0;  // not on the wire: the id the central system gave it
};

// One sampled value of a MeterValue, with its measurand (default Energy.Active.Import.Register).
struct SampledValue {
  double value = 0;
  std::string measurand = "Energy.Active.Import.Register";
  std::string phase;    // "" (all / not given), "L1", "L2", "L3", "N", "L1-N", ...
  std::string unit;     // "" = the measurand's default (Wh for energy, A for current)
  std::string context;  // Sample.Periodic, Transaction.Begin, ...
};
struct MeterValue {
  std::string timestamp;
  std::vector<SampledValue> samples;
};
struct StopTransaction {
  int transaction_id = 0;
  long long meter_stop_wh = 0;
  std::string timestamp, id_tag, reason;
  std::vector<MeterValue> transaction_data;
};
struct MeterValues {
  int connector_id = 0;
  std::optional<int> transaction_id;
  std::vector<MeterValue> values;
};
struct DataTransfer {
  std::string vendor_id, message_id, data;
};

Parse<BootNotification> parse_boot_notification(const Json& payload);
Parse<Heartbeat> parse_heartbeat(const Json& payload);
Parse<StatusNotification> parse_status_notification(const Json& payload);
Parse<Authorize> parse_authorize(const Json& payload);
Parse<StartTransaction> parse_start_transaction(const Json& payload);
Parse<StopTransaction> parse_stop_transaction(const Json& payload);
Parse<MeterValues> parse_meter_values(const Json& payload);
Parse<DataTransfer> parse_data_transfer(const Json& payload);

// Confirmations. Times are RFC 3339 text ("2026-12-01T10:00:00Z").
enum class RegistrationStatus : unsigned char { Accepted, Pending, Rejected };
enum class AuthorizationStatus : unsigned char { Accepted, Blocked, Expired, Invalid, ConcurrentTx };
Json boot_notification_conf(RegistrationStatus status, const std::string& now, int interval_s);
Json heartbeat_conf(const std::string& now);
Json id_tag_info(AuthorizationStatus status);
Json start_transaction_conf(AuthorizationStatus status, int transaction_id);
Json data_transfer_conf(bool accepted);

// The current moment as OCPP writes it, from a system_clock time.
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace ampgate::ocpp
