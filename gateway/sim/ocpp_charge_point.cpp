#include "gateway/sim/ocpp_charge_point.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "gateway/sim/electrical.h"

namespace ampgate::sim {

using nlohmann::json;

namespace {
constexpr double charge_threshold = min_charge_current;  // IEC 61851: no PWM offer below 6 A
constexpr double overcurrent_factor = 1.1;  // seed: RTM 0x0004 at 10 % above the limit…
constexpr double overcurrent_seconds = 6.0; // …for more than 6 s
}  // namespace

bool is_ocpp_charge_point(const config::Charger& c, const Scenario& s) {
  return c.model == s.ocpp.site_model || s.ocpp.find(c.id) != nullptr;
}

void add_ocpp_charge_points(config::Site& site, const Scenario& s, std::vector<std::string>& errors) {
  for (const auto& spec : s.ocpp.charge_points) {
    if (site.find_charger(spec.id)) continue;  // listed in the site file: placed there
    if (spec.circuit != config::mains_circuit_id && !site.find_circuit(spec.circuit)) {
      errors.push_back("scenario: OCPP charge point '" + spec.id + "' on circuit '" + spec.circuit +
                       "', which the site does not have");
      continue;
    }
    config::Charger c;
    c.id = spec.id;
    c.model = "ocpp";
    c.circuit = spec.circuit;
    c.phases = 1;
    c.phase_map[0] = spec.phase == "L2" ? config::Phase::L2 : spec.phase == "L3" ? config::Phase::L3 : config::Phase::L1;
    c.max_current = 32.0;
    site.chargers.push_back(c);
  }
}

std::unique_ptr<SimCharger> make_ocpp_charge_point(const config::Charger& c, const Scenario& s, std::string& error) {
  const OcppChargePointSpec* spec = s.ocpp.find(c.id);
  if (!spec) {
    error = c.id + ": an OCPP charge point needs an entry in the scenario's ocpp.charge_points (its central_system URL)";
    return nullptr;
  }
  auto endpoint = ocpp::parse_endpoint(spec->central_system, c.id, error);
  if (!endpoint) return nullptr;
  endpoint->password = spec->password;
  endpoint->ca_file = spec->ca_file;
  endpoint->verify = spec->tls_verify;
  std::vector<Fault> link_faults;
  for (const auto& f : s.faults) {
    if (f.device != c.id) continue;
    if (f.kind != FaultKind::silent) {
      error = c.id + ": fault '" + to_string(f.kind) + "' does not apply to an OCPP charge point (only 'silent': the network is lost)";
      return nullptr;
    }
    link_faults.push_back(f);
  }
  try {
    return std::make_unique<OcppChargePoint>(c, *spec, *endpoint, std::move(link_faults));
  } catch (const std::invalid_argument& e) {
    error = c.id + ": " + e.what();
    return nullptr;
  }
}

OcppChargePoint::OcppChargePoint(const config::Charger& c, const OcppChargePointSpec& spec, ocpp::Endpoint endpoint,
                                 std::vector<Fault> link_faults)
    : SimCharger(c), spec_(spec), endpoint_(std::move(endpoint)), link_faults_(std::move(link_faults)) {
  unix0_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& [k, v] : spec_.keys)
    if (auto e = keys_.preset(k, v); !e.empty()) throw std::invalid_argument("keys: " + e);
  heartbeat_interval_ = static_cast<double>(keys_.integer("HeartbeatInterval"));
  ocpp::ClientHandlers h;
  h.opened = [this] {
    std::lock_guard lock(mutex_);
    link_opened();
  };
  h.text = [this](const std::string& t) {
    std::lock_guard lock(mutex_);
    frame(t);
  };
  h.closed = [this](const std::string& why) {
    std::lock_guard lock(mutex_);
    link_closed(why);
  };
  client_ = std::make_unique<ocpp::Client>(std::move(h));
}

OcppChargePoint::~OcppChargePoint() { go_offline(); }

void OcppChargePoint::go_online() {
  std::lock_guard lock(mutex_);
  may_connect_ = true;
  next_attempt_ = now_;
  client_->start();
}

void OcppChargePoint::go_offline() {
  {
    std::lock_guard lock(mutex_);
    may_connect_ = false;
  }
  client_->stop();  // joins the I/O thread, whose handlers take mutex_: not held here
  std::lock_guard lock(mutex_);
  link_ = Link::down;
  pending_.clear();
  tx_in_flight_ = false;
}

bool OcppChargePoint::watchdog_expired(double) const {
  std::lock_guard lock(mutex_);
  return !online();
}

bool OcppChargePoint::link_lost_at(double t) const {
  return std::any_of(link_faults_.begin(), link_faults_.end(), [t](const Fault& f) { return f.active(t); });
}

ocpp::Limits OcppChargePoint::limits() const {
  ocpp::Limits l;
  l.max_stack_level = static_cast<int>(keys_.integer("ChargeProfileMaxStackLevel"));
  l.max_periods = static_cast<int>(keys_.integer("ChargingScheduleMaxPeriods"));
  l.max_installed = static_cast<int>(keys_.integer("MaxChargingProfilesInstalled"));
  const auto units = keys_.list("ChargingScheduleAllowedChargingRateUnit");
  auto has = [&](std::initializer_list<const char*> words) {
    return std::any_of(units.begin(), units.end(), [&](const std::string& u) {
      return std::any_of(words.begin(), words.end(), [&](const char* w) { return u == w; });
    });
  };
  l.amps = has({"A", "Current"});
  l.watts = has({"W", "Power"});
  l.three_phase = spec_.three_phase_profiles;
  return l;
}

double OcppChargePoint::offered_locked() const {
  if (faulted_ || !operative_ || !auth_tag_ || !seen_.plugged) return 0.0;
  double limit = device_limit();
  if (online() || spec_.offline_limits == OfflineLimits::keep_profiles)
    if (auto p = profiles_.limit_at(unix_now(), tx_running_ ? std::optional<double>(tx_start_) : std::nullopt,
                                    tx_running_, limits()))
      limit = std::min(limit, *p);
  return limit < charge_threshold ? 0.0 : limit;
}

Drive OcppChargePoint::allowance(double) const {
  std::lock_guard lock(mutex_);
  return {offered_locked(), 1, 0b001};
}

std::string OcppChargePoint::derive_status() const {
  if (faulted_) return "Faulted";
  if (!operative_) return "Unavailable";
  if (!seen_.plugged) return remote_tag_ ? "Preparing" : "Available";
  if (!seen_open_ || end_session_) return "Finishing";
  if (!auth_tag_) return "Preparing";
  if (offered_locked() <= 0) return "SuspendedEVSE";
  if (seen_.amps[0] < 1.0) return "SuspendedEV";
  return "Charging";
}

void OcppChargePoint::on_session_start() {
  std::lock_guard lock(mutex_);
  seen_ = state();
  seen_open_ = true;
  auth_refused_ = false;
  if (remote_tag_) {
    const std::string tag = *remote_tag_;
    remote_tag_.reset();
    begin_authorize(tag, true);
  }
}

void OcppChargePoint::on_unplugged() {
  std::lock_guard lock(mutex_);
  seen_ = state();
  stop_transaction("EVDisconnected");
  auth_tag_.reset();
  authorizing_ = false;
  faulted_ = false;  // the seed: an overcurrent fault clears when the cable is unplugged
  over_since_ = -1;
}

void OcppChargePoint::on_observed() {
  std::lock_guard lock(mutex_);
  seen_ = state();
  now_ = seen_.time;
  if (end_session_) {
    end_session();
    end_session_ = false;
  }
  seen_open_ = sessions().open;
  tick();
}

void OcppChargePoint::tick() {
  // Overcurrent supervision: a car drawing 10 % over the offer for 6 s faults the charger.
  const double offer = offered_locked();
  if (seen_.plugged && !faulted_ && seen_.amps[0] > offer * overcurrent_factor + 0.5) {
    if (over_since_ < 0) over_since_ = now_;
    if (now_ - over_since_ > overcurrent_seconds) faulted_ = true;
  } else {
    over_since_ = -1;
  }
  if (link_ != Link::down && link_lost_at(now_)) {
    client_->drop();
    link_closed("network lost (scenario fault)");
  }
  if (link_ == Link::down && may_connect_ && !link_lost_at(now_) && now_ >= next_attempt_ &&
      (spec_.reconnect || !had_link_)) {
    link_ = Link::connecting;
    client_->connect(endpoint_);
  }
  if (remote_tag_ && now_ > remote_until_) remote_tag_.reset();  // ConnectionTimeOut
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now_ - it->second.sent <= spec_.call_timeout) {
      ++it;
      continue;
    }
    auto answered = std::move(it->second.answered);
    it = pending_.erase(it);
    if (answered) answered(json());  // null: no answer
  }
  if (link_ == Link::booting && now_ >= next_boot_) {
    next_boot_ = now_ + spec_.call_timeout;
    call("BootNotification",
         {{"chargePointVendor", "EVNET"}, {"chargePointModel", "EVNET-7KW-S-1PH"},
          {"chargePointSerialNumber", id()}, {"firmwareVersion", "1.5.7.000014.011015"}},
         [this](const json& r) {
           const auto status = r.is_object() ? r.value("status", "") : "";
           const double interval = r.is_object() ? r.value("interval", 0.0) : 0.0;
           if (status == "Accepted") {
             link_ = Link::accepted;
             backoff_ = 0;
             if (interval > 0) {
               heartbeat_interval_ = interval;
               keys_.preset("HeartbeatInterval", std::to_string(static_cast<long>(interval)));
             }
             next_heartbeat_ = now_ + heartbeat_interval_;
             next_meter_ = now_;
             send_status(0, operative_ ? "Available" : "Unavailable");
             sent_status_.clear();  // connector 1 follows from the step below
           } else {
             next_boot_ = now_ + std::max(interval, 10.0);  // Pending, Rejected, or no answer
           }
         });
  }
  const bool wants_card = seen_.plugged && seen_open_ && !end_session_ && !auth_tag_ && !authorizing_ && !auth_refused_;
  if (wants_card && !online() && spec_.plug_and_charge) {
    // Offline plug-in charge (seed §2.5 Offline Mode): any card, or none, may charge.
    auth_tag_ = spec_.id_tag.empty() ? "OFFLINE" : spec_.id_tag;
    start_transaction();
  } else if (wants_card && online() && !spec_.id_tag.empty()) {
    begin_authorize(spec_.id_tag, false);
  }
  if (!online()) return;
  if (now_ >= next_heartbeat_) {
    next_heartbeat_ = now_ + heartbeat_interval_;
    call("Heartbeat", json::object());
  }
  if (const auto status = derive_status(); status != sent_status_) send_status(1, status);
  const double every = static_cast<double>(keys_.integer("MeterValueSampleInterval"));
  if (tx_running_ && every > 0 && now_ >= next_meter_) {
    next_meter_ = now_ + every;
    send_meter_values("Sample.Periodic");
  }
  send_tx_queue();
}

}  // namespace ampgate::sim
