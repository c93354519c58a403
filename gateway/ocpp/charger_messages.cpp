#include "gateway/ocpp/charger_messages.h"

#include <array>
#include <charconv>
#include <ctime>

namespace ampgate::ocpp {

namespace {

using namespace std::string_view_literals;

constexpr std::array status_words{"Available"sv, "Preparing"sv, "Charging"sv,    "SuspendedEVSE"sv, "SuspendedEV"sv,
                                  "Finishing"sv, "Reserved"sv,  "Unavailable"sv, "Faulted"sv};
constexpr std::array charge_point_errors{
    "ConnectorLockFailure"sv, "EVCommunicationError"sv, "GroundFailure"sv,   "HighTemperature"sv, "InternalError"sv,
    "LocalListConflict"sv,    "NoError"sv,              "OtherError"sv,      "OverCurrentFailure"sv,
    "PowerMeterFailure"sv,    "PowerSwitchFailure"sv,   "ReaderFailure"sv,   "ResetFailure"sv,    "UnderVoltage"sv,
    "OverVoltage"sv,          "WeakSignal"sv};
constexpr std::array stop_reasons{"EmergencyStop"sv, "EVDisconnected"sv, "HardReset"sv, "Local"sv,
                                  "Other"sv,         "PowerLoss"sv,      "Reboot"sv,    "Remote"sv,
                                  "SoftReset"sv,     "UnlockCommand"sv,  "DeAuthorized"sv};
constexpr std::array phases{"L1"sv, "L2"sv, "L3"sv, "N"sv, "L1-N"sv, "L2-N"sv, "L3-N"sv, "L1-L2"sv, "L2-L3"sv, "L3-L1"sv};
constexpr std::array formats{"Raw"sv, "SignedData"sv};
constexpr std::array registration_words{"Accepted"sv, "Pending"sv, "Rejected"sv};
constexpr std::array authorization_words{"Accepted"sv, "Blocked"sv, "Expired"sv, "Invalid"sv, "ConcurrentTx"sv};

// CiString lengths of OCPP 1.6.
constexpr std::size_t ci20 = 20, ci25 = 25, ci50 = 50, ci255 = 255;

template <class T>
Parse<T> done(Fields& f, T value) {
  if (!f.ok()) return *f.violation();
  return value;
}

std::string text(std::optional<std::string> v) { return v ? std::move(*v) : std::string(); }

// A sampled value's `value` is a string on the wire; a "Raw" value must read as a number.
void parse_sampled(Fields& f, const Json& j, const std::string& at, std::vector<SampledValue>& out) {
  Fields s(j, at);
  SampledValue v;
  auto raw = s.string("value", 2500, true);
  if (auto m = s.string("measurand", ci50, false)) v.measurand = *m;
  if (auto p = s.word("phase", phases, false)) v.phase = std::string(phases[*p]);
  v.unit = text(s.string("unit", ci50, false));
  v.context = text(s.string("context", ci50, false));
  auto format = s.word("format", formats, false);
  if (raw && (!format || *format == 0)) {
    const char* b = raw->data();
    auto [end, ec] = std::from_chars(b, b + raw->size(), v.value);
    if (ec != std::errc() || end != b + raw->size())
      s.fail(ErrorCode::PropertyConstraintViolation, s.path("value") + ": '" + *raw + "' is not a number");
  }
  if (!s.ok()) return f.absorb(*s.violation());
  if (!format || *format == 0) out.push_back(std::move(v));
}

void parse_meter_value_list(Fields& f, const Json* list, const std::string& at, std::vector<MeterValue>& out) {
  if (!list) return;
  for (std::size_t i = 0; i < list->size() && f.ok(); ++i) {
    const std::string here = at + "[" + std::to_string(i) + "]";
    Fields m((*list)[i], here);
    MeterValue mv;
    mv.timestamp = text(m.date_time("timestamp", true));
    const Json* samples = m.array("sampledValue", true);
    if (samples && samples->empty()) m.fail(ErrorCode::OccurenceConstraintViolation, m.path("sampledValue") + ": empty");
    if (!m.ok()) return f.absorb(*m.violation());
    for (std::size_t k = 0; k < samples->size() && f.ok(); ++k)
      parse_sampled(f, (*samples)[k], here + ".sampledValue[" + std::to_string(k) + "]", mv.samples);
    out.push_back(std::move(mv));
  }
}

}  // namespace

const char* to_string(ConnectorStatus s) { return status_words[static_cast<std::size_t>(s)].data(); }

Parse<BootNotification> parse_boot_notification(const Json& payload) {
  Fields f(payload);
  BootNotification b;
  b.vendor = text(f.string("chargePointVendor", ci20, true));
  b.model = text(f.string("chargePointModel", ci20, true));
  b.serial_number = text(f.string("chargePointSerialNumber", ci25, false));
  f.string("chargeBoxSerialNumber", ci25, false);
  b.firmware_version = text(f.string("firmwareVersion", ci50, false));
  f.string("iccid", ci20, false);
  f.string("imsi", ci20, false);
  b.meter_type = text(f.string("meterType", ci25, false));
  f.string("meterSerialNumber", ci25, false);
  return done(f, std::move(b));
}

Parse<Heartbeat> parse_heartbeat(const Json& payload) {
  Fields f(payload);
  return done(f, Heartbeat{});
}

Parse<StatusNotification> parse_status_notification(const Json& payload) {
  Fields f(payload);
  StatusNotification s;
  if (auto v = f.integer("connectorId", 0, true)) s.connector_id = static_cast<int>(*v);
  if (auto v = f.word("errorCode", charge_point_errors, true)) s.error_code = std::string(charge_point_errors[*v]);
  if (auto v = f.word("status", status_words, true)) s.status = static_cast<ConnectorStatus>(*v);
  s.info = text(f.string("info", ci50, false));
  s.timestamp = text(f.date_time("timestamp", false));
  f.string("vendorId", ci255, false);
  s.vendor_error_code = text(f.string("vendorErrorCode", ci50, false));
  return done(f, std::move(s));
}

Parse<Authorize> parse_authorize(const Json& payload) {
  Fields f(payload);
  Authorize a;
  a.id_tag = text(f.string("idTag", ci20, true));
  return done(f, std::move(a));
}

Parse<StartTransaction> parse_start_transaction(const Json& payload) {
  Fields f(payload);
  StartTransaction s;
  if (auto v = f.integer("connectorId", 1, true)) s.connector_id = static_cast<int>(*v);
  s.id_tag = text(f.string("idTag", ci20, true));
  if (auto v = f.integer("meterStart", 0, true)) s.meter_start_wh = *v;
  if (auto v = f.integer("reservationId", 0, false)) s.reservation_id = static_cast<int>(*v);
  s.timestamp = text(f.date_time("timestamp", true));
  return done(f, std::move(s));
}

Parse<StopTransaction> parse_stop_transaction(const Json& payload) {
  Fields f(payload);
  StopTransaction s;
  s.id_tag = text(f.string("idTag", ci20, false));
  if (auto v = f.integer("meterStop", 0, true)) s.meter_stop_wh = *v;
  s.timestamp = text(f.date_time("timestamp", true));
  if (auto v = f.integer("transactionId", -2147483647, true)) s.transaction_id = static_cast<int>(*v);
  if (auto v = f.word("reason", stop_reasons, false)) s.reason = std::string(stop_reasons[*v]);
  parse_meter_value_list(f, f.array("transactionData", false), "transactionData", s.transaction_data);
  return done(f, std::move(s));
}

Parse<MeterValues> parse_meter_values(const Json& payload) {
  Fields f(payload);
  MeterValues m;
  if (auto v = f.integer("connectorId", 0, true)) m.connector_id = static_cast<int>(*v);
  if (auto v = f.integer("transactionId", -2147483647, false)) m.transaction_id = static_cast<int>(*v);
  const Json* list = f.array("meterValue", true);
  if (list && list->empty()) f.fail(ErrorCode::OccurenceConstraintViolation, "meterValue: empty");
  parse_meter_value_list(f, list, "meterValue", m.values);
  return done(f, std::move(m));
}

Parse<DataTransfer> parse_data_transfer(const Json& payload) {
  Fields f(payload);
  DataTransfer d;
  d.vendor_id = text(f.string("vendorId", ci255, true));
  d.message_id = text(f.string("messageId", ci50, false));
  d.data = text(f.string("data", 1u << 16, false));
  return done(f, std::move(d));
}

Json boot_notification_conf(RegistrationStatus status, const std::string& now, int interval_s) {
  return {{"status", registration_words[static_cast<std::size_t>(status)]}, {"currentTime", now}, {"interval", interval_s}};
}

Json heartbeat_conf(const std::string& now) { return {{"currentTime", now}}; }

Json id_tag_info(AuthorizationStatus status) {
  return {{"status", authorization_words[static_cast<std::size_t>(status)]}};
}

Json start_transaction_conf(AuthorizationStatus status, int transaction_id) {
  return {{"idTagInfo", id_tag_info(status)}, {"transactionId", transaction_id}};
}

Json data_transfer_conf(bool accepted) { return {{"status", accepted ? "Accepted" : "Rejected"}}; }

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace ampgate::ocpp
