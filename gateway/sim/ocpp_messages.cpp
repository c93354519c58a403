// The charge point's side of OCPP-J framing (spec "OCPP-J 1.6" §4: CALL [2, id, action,
// payload], CALLRESULT [3, id, payload], CALLERROR [4, id, code, description, details])
// and the messages it sends of its own accord.
#include <cstdio>

#include "gateway/sim/ocpp_charge_point.h"

namespace ampgate::sim {

using nlohmann::json;

void OcppChargePoint::link_opened() {
  if (link_ != Link::connecting) return;
  link_ = Link::booting;
  had_link_ = true;
  next_boot_ = now_;  // the next step sends BootNotification
}

void OcppChargePoint::link_closed(const std::string&) {
  if (link_ == Link::down) return;
  link_ = Link::down;
  pending_.clear();
  tx_in_flight_ = false;  // the message at the queue's head goes again after the reconnect
  backoff_ = backoff_ == 0 ? spec_.reconnect_min : std::min(2 * backoff_, spec_.reconnect_max);
  next_attempt_ = now_ + backoff_;
}

void OcppChargePoint::call(const std::string& action, json payload, std::function<void(const json&)> answered) {
  const bool allowed = link_ == Link::accepted || (link_ == Link::booting && action == "BootNotification");
  if (!allowed) return;  // not connected: a periodic message is simply not sent
  const std::string uid = std::to_string(next_uid_++);
  pending_[uid] = {action, now_, std::move(answered)};
  client_->send(json::array({2, uid, action, std::move(payload)}).dump());
}

void OcppChargePoint::send_tx_queue() {
  if (!online() || tx_in_flight_ || tx_queue_.empty()) return;
  tx_in_flight_ = true;
  auto& m = tx_queue_.front();
  call(m.action, m.payload(), [this](const json& r) {
    tx_in_flight_ = false;
    if (r.is_null() && link_ == Link::accepted) return;  // unanswered: sent again at the next step
    auto done = std::move(tx_queue_.front());
    tx_queue_.pop_front();
    if (done.answered) done.answered(r);
  });
}

void OcppChargePoint::send_status(int connector, const std::string& status) {
  if (connector == 1) sent_status_ = status;
  call("StatusNotification", {{"connectorId", connector},
                              {"errorCode", status == "Faulted" ? "OverCurrentFailure" : "NoError"},
                              {"status", status},
                              {"timestamp", ocpp::format_time(unix_now())}});
}

void OcppChargePoint::send_meter_values(const char* context) {
  json sampled = json::array();
  for (const auto& entry : keys_.list("MeterValuesSampledData")) {
    // The seed writes measurand and phase in one word ("Current.Import.L1").
    std::string measurand = entry, phase;
    for (const char* p : {".L1-N", ".L1", ".N"}) {
      const std::string suffix = p;
      if (measurand.size() > suffix.size() && measurand.ends_with(suffix)) {
        phase = suffix.substr(1);
        measurand.resize(measurand.size() - suffix.size());
        break;
      }
    }
    double value = 0;
    std::string unit;
    if (measurand == "Current.Import") value = seen_.amps[0], unit = "A";
    else if (measurand == "Current.Offered") value = offered_locked(), unit = "A";
    else if (measurand == "Energy.Active.Import.Register") value = seen_.total_kwh * 1000.0, unit = "Wh";
    else if (measurand == "Power.Active.Import") value = seen_.power_w, unit = "W";
    else if (measurand == "Voltage") value = phase == "N" ? 0.0 : seen_.voltage, unit = "V";
    else if (measurand == "Temperature") value = 30.0, unit = "Celsius";
    else continue;
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    json v = {{"value", text}, {"context", context}, {"measurand", measurand}, {"unit", unit}};
    if (!phase.empty()) v["phase"] = phase;
    if (measurand == "Temperature") v["location"] = "Body";
    sampled.push_back(std::move(v));
  }
  json p = {{"connectorId", 1},
            {"meterValue", json::array({{{"timestamp", ocpp::format_time(unix_now())}, {"sampledValue", sampled}}})}};
  if (tx_running_ && tx_id_) p["transactionId"] = *tx_id_;
  call("MeterValues", std::move(p));
}

void OcppChargePoint::begin_authorize(const std::string& tag, bool remote) {
  const bool ask = online() && (!remote || keys_.boolean("AuthorizeRemoteTxRequests"));
  if (!ask) {  // offline (LocalAuthorizeOffline, AllowOfflineTxForUnknownId) or a trusted remote start
    auth_tag_ = tag;
    start_transaction();
    return;
  }
  authorizing_ = true;
  call("Authorize", {{"idTag", tag}}, [this, tag](const json& r) {
    authorizing_ = false;
    const bool ok = r.is_object() && r.contains("idTagInfo") && r["idTagInfo"].value("status", "") == "Accepted";
    if (ok && seen_.plugged && seen_open_ && !auth_tag_) {
      auth_tag_ = tag;
      start_transaction();
    } else if (!ok) {
      auth_refused_ = true;
    }
  });
}

void OcppChargePoint::start_transaction() {
  if (tx_running_) return;
  tx_running_ = true;
  tx_id_.reset();
  tx_ref_ = std::make_shared<std::optional<int>>();
  tx_start_ = unix_now();
  tx_meter_start_wh_ = seen_.total_kwh * 1000.0;
  next_meter_ = now_ + static_cast<double>(keys_.integer("MeterValueSampleInterval"));
  json payload = {{"connectorId", 1}, {"idTag", *auth_tag_}, {"meterStart", static_cast<long>(tx_meter_start_wh_)},
                  {"timestamp", ocpp::format_time(tx_start_)}};
  auto ref = tx_ref_;
  tx_queue_.push_back({"StartTransaction", [payload] { return payload; }, [this, ref](const json& r) {
                         if (!r.is_object() || !r.contains("transactionId")) return;
                         *ref = r["transactionId"].get<int>();
                         if (ref != tx_ref_) return;  // that transaction is over already
                         tx_id_ = *ref;
                         if (remote_profile_) {
                           try {
                             profiles_.install(ocpp::read_profile(*remote_profile_, 1), limits(), tx_id_);
                           } catch (const std::exception&) {
                           }
                           remote_profile_.reset();
                         }
                         const auto status = r.contains("idTagInfo") ? r["idTagInfo"].value("status", "") : "";
                         if (status != "Accepted" && keys_.boolean("StopTransactionOnInvalidId")) {
                           stop_transaction("DeAuthorized");
                           end_session_ = true;
                         }
                       }});
  send_tx_queue();
}

void OcppChargePoint::stop_transaction(const std::string& reason) {
  if (!tx_running_) return;
  tx_running_ = false;
  tx_id_.reset();
  profiles_.end_transaction();  // a TxProfile lives as long as its transaction
  remote_profile_.reset();
  json payload = {{"idTag", auth_tag_.value_or("")}, {"meterStop", static_cast<long>(seen_.total_kwh * 1000.0)},
                  {"timestamp", ocpp::format_time(unix_now())}, {"reason", reason}};
  auto ref = tx_ref_;
  tx_ref_.reset();
  tx_queue_.push_back({"StopTransaction", [payload, ref]() mutable {
                         payload["transactionId"] = ref->value_or(-1);  // the Start was answered first
                         return payload;
                       },
                       {}});
  if (inoperative_when_idle_) {  // a ChangeAvailability answered Scheduled takes effect now
    operative_ = false;
    inoperative_when_idle_ = false;
  }
  send_tx_queue();
}

void OcppChargePoint::frame(const std::string& text) {
  json f = json::parse(text, nullptr, false);
  if (f.is_discarded() || !f.is_array() || f.size() < 3 || !f[0].is_number_integer() || !f[1].is_string()) return;
  const int type = f[0].get<int>();
  const std::string uid = f[1].get<std::string>();
  if (type == 2) {
    json reply;
    if (f.size() != 4 || !f[2].is_string() || !f[3].is_object()) {
      reply = json::array({4, uid, "ProtocolError", "a CALL is [2, id, action, {payload}]", json::object()});
    } else {
      json r = handle_call(f[2].get<std::string>(), f[3]);
      if (r.contains("__error")) reply = json::array({4, uid, r["__error"], r.value("__text", ""), json::object()});
      else reply = json::array({3, uid, std::move(r)});
    }
    client_->send(reply.dump());
    auto after = std::move(after_reply_);
    after_reply_.clear();
    for (auto& a : after) a();
    return;
  }
  auto it = pending_.find(uid);
  if (it == pending_.end()) return;  // late answer to a call that timed out
  auto answered = std::move(it->second.answered);
  pending_.erase(it);
  if (!answered) return;
  if (type == 3) answered(f[2]);
  else answered(json{{"__callerror", f[2]}});  // refused: a transaction message is not sent again
}

}  // namespace ampgate::sim
