// Calls from the central system (OCPP 1.6 §5) and how the EVNET model answers them.
#include <cmath>

#include "gateway/sim/ocpp_charge_point.h"

namespace ampgate::sim {

using nlohmann::json;

namespace {
json error(const char* code, const std::string& text) { return {{"__error", code}, {"__text", text}}; }
json status(const char* s) { return {{"status", s}}; }
constexpr double longest_composite = 7 * 86400.0;  // a week: recurring schedules stay bounded
}  // namespace

json OcppChargePoint::handle_call(const std::string& action, const json& p) {
  try {
    if (action == "SetChargingProfile") return set_charging_profile(p);
    if (action == "ClearChargingProfile") {
      std::optional<int> id, connector, level;
      std::optional<ocpp::Purpose> purpose;
      if (p.contains("id")) id = p.at("id").get<int>();
      if (p.contains("connectorId")) connector = p.at("connectorId").get<int>();
      if (p.contains("stackLevel")) level = p.at("stackLevel").get<int>();
      if (p.contains("chargingProfilePurpose")) purpose = ocpp::read_purpose(p.at("chargingProfilePurpose").get<std::string>());
      return status(profiles_.clear(id, connector, purpose, level) ? "Accepted" : "Unknown");
    }
    if (action == "GetCompositeSchedule") return get_composite_schedule(p);
    if (action == "GetConfiguration") return get_configuration(p);
    if (action == "ChangeConfiguration") {
      const auto key = p.at("key").get<std::string>();
      const auto result = keys_.change(key, p.at("value").get<std::string>());
      if (result == "Accepted" && key == "HeartbeatInterval") {
        heartbeat_interval_ = static_cast<double>(keys_.integer(key));
        next_heartbeat_ = now_ + heartbeat_interval_;
      }
      if (result == "Accepted" && key == "MeterValueSampleInterval")
        next_meter_ = now_ + static_cast<double>(keys_.integer(key));
      return {{"status", result}};
    }
    if (action == "TriggerMessage") return trigger_message(p);
    if (action == "RemoteStartTransaction") return remote_start(p);
    if (action == "RemoteStopTransaction") {
      if (!tx_running_ || !tx_id_ || p.at("transactionId").get<int>() != *tx_id_) return status("Rejected");
      after_reply_.push_back([this] {
        stop_transaction("Remote");
        auth_tag_.reset();
        end_session_ = true;  // the car stays plugged in: Finishing until it leaves
      });
      return status("Accepted");
    }
    if (action == "ChangeAvailability") {
      const int connector = p.at("connectorId").get<int>();
      const auto type = p.at("type").get<std::string>();
      if (type != "Inoperative" && type != "Operative") throw ocpp::BadPayload("type must be Inoperative or Operative");
      if (connector < 0 || connector > 1) return status("Rejected");
      if (type == "Operative") {
        operative_ = true;
        inoperative_when_idle_ = false;
        return status("Accepted");
      }
      if (tx_running_) {
        inoperative_when_idle_ = true;
        return status("Scheduled");
      }
      operative_ = false;
      return status("Accepted");
    }
    if (action == "Reset") {
      const auto type = p.at("type").get<std::string>();
      if (type != "Hard" && type != "Soft") throw ocpp::BadPayload("type must be Hard or Soft");
      after_reply_.push_back([this, type] {
        if (tx_running_) end_session_ = true;
        stop_transaction(type == "Hard" ? "HardReset" : "SoftReset");
        auth_tag_.reset();
        // The reboot: the link goes and comes back; profiles are kept (spec §3.13.4).
        client_->drop();
        link_closed("reset");
      });
      return status("Accepted");
    }
    if (action == "DataTransfer") return status("UnknownVendorId");
    if (action == "ClearCache") return status("Accepted");
    return error("NotImplemented", action + " is not supported by this charge point");
  } catch (const ocpp::BadPayload& e) {
    return error("FormationViolation", e.what());
  } catch (const json::exception& e) {
    return error("FormationViolation", e.what());
  }
}

json OcppChargePoint::set_charging_profile(const json& p) {
  const int connector = p.at("connectorId").get<int>();
  const auto profile = ocpp::read_profile(p.at("csChargingProfiles"), connector);
  if (spec_.reject_profiles) return status("Rejected");
  if (!profiles_.install(profile, limits(), tx_running_ ? tx_id_ : std::nullopt).empty()) return status("Rejected");
  return status("Accepted");
}

json OcppChargePoint::get_composite_schedule(const json& p) {
  const int connector = p.at("connectorId").get<int>();
  const double duration = p.at("duration").get<int>();
  const bool watts = p.value("chargingRateUnit", "A") == "W";
  if (p.contains("chargingRateUnit") && !watts && p["chargingRateUnit"] != "A")
    throw ocpp::BadPayload("chargingRateUnit must be A or W");
  if (connector < 0 || connector > 1 || duration <= 0 || duration > longest_composite) return status("Rejected");
  const double from = unix_now();
  const std::optional<double> tx_start = tx_running_ ? std::optional<double>(tx_start_) : std::nullopt;
  const auto lim = limits();
  json periods = json::array();
  double last = -1;
  for (double t : profiles_.edges(from, from + duration, tx_start)) {
    double a = device_limit();  // c_DeviceLimit_I cannot be overridden by profiles
    if (auto l = profiles_.limit_at(t, tx_start, tx_running_, lim)) a = std::min(a, *l);
    const double v = std::round((watts ? a * lim.volts : a) * 10) / 10;
    if (v == last) continue;
    last = v;
    periods.push_back({{"startPeriod", static_cast<long>(std::lround(t - from))}, {"limit", v}, {"numberPhases", 1}});
  }
  return {{"status", "Accepted"},
          {"connectorId", connector},
          {"scheduleStart", ocpp::format_time(from)},
          {"chargingSchedule",
           {{"duration", static_cast<long>(duration)},
            {"startSchedule", ocpp::format_time(from)},
            {"chargingRateUnit", watts ? "W" : "A"},
            {"chargingSchedulePeriod", periods}}}};
}

json OcppChargePoint::get_configuration(const json& p) {
  json known = json::array(), unknown = json::array();
  std::vector<std::string> asked;
  if (p.contains("key")) asked = p.at("key").get<std::vector<std::string>>();
  if (static_cast<long>(asked.size()) > keys_.integer("GetConfigurationMaxKeys"))
    return error("OccurenceConstraintViolation",
                 "at most GetConfigurationMaxKeys (" + *keys_.get("GetConfigurationMaxKeys") + ") keys per request");
  if (asked.empty()) asked = keys_.names();  // no key: all of them
  for (const auto& k : asked) {
    if (auto v = keys_.get(k)) known.push_back({{"key", k}, {"readonly", keys_.readonly(k)}, {"value", *v}});
    else unknown.push_back(k);
  }
  json r = {{"configurationKey", known}};
  if (!unknown.empty()) r["unknownKey"] = unknown;
  return r;
}

json OcppChargePoint::trigger_message(const json& p) {
  const auto what = p.at("requestedMessage").get<std::string>();
  if (p.contains("connectorId") && (p["connectorId"].get<int>() < 0 || p["connectorId"].get<int>() > 1))
    return status("Rejected");
  if (what == "BootNotification") {
    after_reply_.push_back([this] { next_boot_ = now_; if (link_ == Link::accepted) link_ = Link::booting; });
  } else if (what == "Heartbeat") {
    after_reply_.push_back([this] { call("Heartbeat", json::object()); });
  } else if (what == "StatusNotification") {
    after_reply_.push_back([this] { send_status(1, derive_status()); });
  } else if (what == "MeterValues") {
    after_reply_.push_back([this] { send_meter_values("Trigger"); });
  } else if (what == "DiagnosticsStatusNotification" || what == "FirmwareStatusNotification") {
    return status("NotImplemented");
  } else {
    throw ocpp::BadPayload("requestedMessage '" + what + "' is not a MessageTrigger");
  }
  return status("Accepted");
}

json OcppChargePoint::remote_start(const json& p) {
  const auto tag = p.at("idTag").get<std::string>();
  if (p.contains("connectorId") && p["connectorId"].get<int>() != 1) return status("Rejected");
  if (p.contains("chargingProfile")) {
    const auto profile = ocpp::read_profile(p["chargingProfile"], 1);
    if (profile.purpose != ocpp::Purpose::tx) return status("Rejected");  // spec §5.11: TxProfile only
    remote_profile_ = p["chargingProfile"];
  }
  if (tx_running_ || !operative_ || faulted_) return status("Rejected");
  if (seen_.plugged && seen_open_ && !auth_tag_) {
    after_reply_.push_back([this, tag] { begin_authorize(tag, true); });
  } else {
    remote_tag_ = tag;  // waits ConnectionTimeOut for the car
    remote_until_ = now_ + static_cast<double>(keys_.integer("ConnectionTimeOut"));
  }
  return status("Accepted");
}

}  // namespace ampgate::sim
