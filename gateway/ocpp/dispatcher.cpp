#include "gateway/ocpp/dispatcher.h"

#include <array>
#include <string_view>

namespace ampgate::ocpp {

namespace {

using namespace std::string_view_literals;

// Actions of OCPP 1.6 that a charge point may send but ampgate does not take: answered
// NotSupported (known, not done) rather than NotImplemented (unknown).
constexpr std::array known_unsupported{"DiagnosticsStatusNotification"sv, "FirmwareStatusNotification"sv};

Dispatcher::Outcome refuse(const Call& c, ErrorCode code, std::string why) {
  return {CallError{c.id, code, std::move(why), Json::object()}, std::nullopt, code};
}

}  // namespace

Dispatcher::Dispatcher(int heartbeat_interval_s, Clock clock, int first_transaction_id)
    : heartbeat_interval_s_(heartbeat_interval_s), clock_(std::move(clock)), next_transaction_id_(first_transaction_id) {}

Dispatcher::Outcome Dispatcher::handle(const Call& call) {
  // Parses with `parse`, and on success answers with `conf(value)`.
  auto take = [&](auto parsed, auto conf) -> Outcome {
    if (auto* v = std::get_if<Violation>(&parsed)) return refuse(call, v->code, v->message);
    auto& value = std::get<0>(parsed);
    Json payload = conf(value);
    return {CallResult{call.id, std::move(payload)}, Incoming{std::move(value)}, std::nullopt};
  };
  const std::string now = rfc3339(clock_());
  const std::string& a = call.action;
  const Json& p = call.payload;
  if (a == "BootNotification")
    return take(parse_boot_notification(p),
                [&](auto&) { return boot_notification_conf(RegistrationStatus::Accepted, now, heartbeat_interval_s_); });
  if (a == "Heartbeat") return take(parse_heartbeat(p), [&](auto&) { return heartbeat_conf(now); });
  if (a == "StatusNotification") return take(parse_status_notification(p), [](auto&) { return Json::object(); });
  // No local authorisation list yet: every idTag is accepted; the session records it.
  if (a == "Authorize")
    return take(parse_authorize(p), [](auto&) { return Json{{"idTagInfo", id_tag_info(AuthorizationStatus::Accepted)}}; });
  if (a == "StartTransaction")
    return take(parse_start_transaction(p), [&](StartTransaction& s) {
      s.transaction_id = next_transaction_id_;
      if (next_transaction_id_ < 0x7fffffff) ++next_transaction_id_;
      return start_transaction_conf(AuthorizationStatus::Accepted, s.transaction_id);
    });
  if (a == "StopTransaction")
    return take(parse_stop_transaction(p), [](auto&) { return Json{{"idTagInfo", id_tag_info(AuthorizationStatus::Accepted)}}; });
  if (a == "MeterValues") return take(parse_meter_values(p), [](auto&) { return Json::object(); });
  if (a == "DataTransfer") return take(parse_data_transfer(p), [](auto&) { return data_transfer_conf(true); });
  for (auto known : known_unsupported)
    if (a == known) return refuse(call, ErrorCode::NotSupported, a + " is not supported by ampgate");
  return refuse(call, ErrorCode::NotImplemented, "unknown action '" + a.substr(0, 64) + "'");
}

}  // namespace ampgate::ocpp
