#pragma once
// An OCPP 1.6-J charge point with the EVNET's behaviour (seed 002): single phase, 32 A
// device limit (c_DeviceLimit_I), its Appendix II configuration keys, charging profiles
// with stack levels, and its offline plug-in charge mode. It is a simulated charger like
// the Modbus ones (the electrical model draws what it offers), but it is driven over a
// WebSocket by a central system instead of registers. docs/simulator.md has the audit table.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/sim/device.h"
#include "gateway/sim/ocpp_client.h"
#include "gateway/sim/ocpp_keys.h"
#include "gateway/sim/ocpp_profiles.h"
#include "gateway/sim/scenario.h"

namespace ampgate::sim {

// True when the scenario makes site charger `c` an OCPP charge point.
bool is_ocpp_charge_point(const config::Charger& c, const Scenario& s);
// Adds a site charger for each scenario charge point the site file does not list (its
// circuit and phase from the scenario); problems go to `errors`.
void add_ocpp_charge_points(config::Site& site, const Scenario& s, std::vector<std::string>& errors);
std::unique_ptr<SimCharger> make_ocpp_charge_point(const config::Charger& c, const Scenario& s, std::string& error);

class OcppChargePoint final : public SimCharger {
 public:
  OcppChargePoint(const config::Charger& c, const OcppChargePointSpec& spec, ocpp::Endpoint endpoint,
                  std::vector<Fault> link_faults);
  ~OcppChargePoint() override;
  std::string model() const override { return "ocpp"; }
  bool watchdog_expired(double now) const override;  // offline: it runs on its offline behaviour
  std::uint8_t read(std::uint8_t, std::uint16_t, std::uint16_t, std::vector<std::uint16_t>&) const override {
    return ex_illegal_function;  // no registers: OCPP only
  }
  std::uint8_t write(std::uint16_t, const std::vector<std::uint16_t>&, double) override { return ex_illegal_function; }
  void go_online() override;
  void go_offline() override;

 protected:
  Drive allowance(double now) const override;
  void on_session_start() override;
  void on_unplugged() override;
  void on_observed() override;

 private:
  enum class Link : unsigned char { down, connecting, booting, accepted };
  struct Pending {
    std::string action;
    double sent = 0;
    std::function<void(const nlohmann::json&)> answered;  // the CALLRESULT payload
  };
  // A transaction message (Start/Stop) waits in order, online or not (spec §4.7 / §3.16).
  struct TxMessage {
    std::string action;
    std::function<nlohmann::json()> payload;  // built when sent (a Stop needs the Start's id)
    std::function<void(const nlohmann::json&)> answered;
  };

  // Below: callers hold mutex_.
  double offered_locked() const;
  double unix_now() const { return unix0_ + now_; }
  bool online() const { return link_ == Link::accepted; }
  bool authorized() const { return auth_tag_.has_value(); }
  std::string derive_status() const;
  void tick();
  void call(const std::string& action, nlohmann::json payload, std::function<void(const nlohmann::json&)> answered = {});
  void send_tx_queue();
  void send_status(int connector, const std::string& status);
  void send_meter_values(const char* context);
  void begin_authorize(const std::string& tag, bool remote);
  void start_transaction();
  void stop_transaction(const std::string& reason);
  void link_opened();
  void link_closed(const std::string& why);
  void frame(const std::string& text);
  nlohmann::json handle_call(const std::string& action, const nlohmann::json& p);  // ocpp_calls.cpp
  nlohmann::json set_charging_profile(const nlohmann::json& p);
  nlohmann::json get_composite_schedule(const nlohmann::json& p);
  nlohmann::json get_configuration(const nlohmann::json& p);
  nlohmann::json trigger_message(const nlohmann::json& p);
  nlohmann::json remote_start(const nlohmann::json& p);
  ocpp::Limits limits() const;
  double device_limit() const { return keys_.integer("c_DeviceLimit_I") / 10.0; }
  bool link_lost_at(double t) const;

  OcppChargePointSpec spec_;
  ocpp::Endpoint endpoint_;
  std::vector<Fault> link_faults_;  // `silent` windows: the network is gone
  double unix0_;

  mutable std::mutex mutex_;
  ocpp::ConfigKeys keys_;
  ocpp::ProfileStore profiles_;
  double now_ = 0;
  bool may_connect_ = false;
  Link link_ = Link::down;
  double next_attempt_ = 0, backoff_ = 0;
  double next_boot_ = 0, next_heartbeat_ = 0, next_meter_ = 0, heartbeat_interval_ = 60;
  std::map<std::string, Pending> pending_;
  std::uint64_t next_uid_ = 1;
  std::deque<TxMessage> tx_queue_;
  bool tx_in_flight_ = false;
  std::string sent_status_;  // last StatusNotification of connector 1 the central system got
  bool operative_ = true, inoperative_when_idle_ = false;
  std::optional<std::string> auth_tag_;    // who may charge now (authorized at plug-in or remotely)
  bool authorizing_ = false;
  bool auth_refused_ = false;              // this plug-in's card was refused: wait for RemoteStart
  bool end_session_ = false;               // the charger ends the session at the next model step
  bool had_link_ = false;                  // connected once (reconnect: false stops after it)
  ChargerState seen_;                      // state() as of the last step, for the I/O thread
  bool seen_open_ = false;                 // sessions().open as of the last step
  std::vector<std::function<void()>> after_reply_;  // what a call triggers, sent after its answer
  std::shared_ptr<std::optional<int>> tx_ref_;       // the open transaction's id, once answered
  std::optional<std::string> remote_tag_;  // RemoteStart before the car is plugged in
  double remote_until_ = 0;
  bool tx_running_ = false;                // a transaction is open (its Start may still be queued)
  std::optional<int> tx_id_;               // known once StartTransaction is answered
  double tx_start_ = 0, tx_meter_start_wh_ = 0;
  std::optional<nlohmann::json> remote_profile_;  // RemoteStart's chargingProfile, for the transaction
  double over_since_ = -1;                 // overcurrent supervision (RTM 0x0004)
  bool faulted_ = false;
  std::unique_ptr<ocpp::Client> client_;
};

}  // namespace ampgate::sim
