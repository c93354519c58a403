// The EVNET charge point model against a test central system over real WebSockets on
// loopback: boot, heartbeat, sessions, profiles, configuration, connection loss.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/sim/simulator.h"
#include "tests/sim/ocpp_central_system.h"

namespace ampgate::sim {
namespace {

using nlohmann::json;
using test::CentralSystem;

constexpr double wait_s = 30;  // real seconds any one expected message may take at most

config::Site garage_site() {
  config::Site s;
  s.site.name = "ocpp";
  s.site.mains_fuse = 40;
  config::Circuit garage;
  garage.id = "garage";
  garage.limit = 20;
  s.circuits.push_back(garage);
  return s;
}

Scenario scenario_for(const CentralSystem& cs, std::optional<double> plug_in = 3.0) {
  Scenario sc;
  sc.time_scale = 4;  // simulated seconds per real second
  sc.car_lag = 2;
  OcppChargePointSpec cp;
  cp.id = "evnet";
  cp.central_system = cs.url();
  cp.password = "s3cret";
  cp.circuit = "garage";
  cp.phase = "L2";
  cp.reconnect_min = 1;
  cp.reconnect_max = 2;
  cp.keys["MeterValueSampleInterval"] = "5";
  sc.ocpp.charge_points.push_back(cp);
  if (plug_in) {
    Ev ev;
    ev.charger = "evnet";
    ev.plug_in = *plug_in;
    ev.phases = 1;
    ev.max_current = 32;
    sc.evs.push_back(ev);
  }
  return sc;
}

json relative_profile(int id, const char* purpose, int level, double limit, int connector = 1) {
  return {{"connectorId", connector},
          {"csChargingProfiles",
           {{"chargingProfileId", id},
            {"stackLevel", level},
            {"chargingProfilePurpose", purpose},
            {"chargingProfileKind", "Relative"},
            {"chargingSchedule", {{"chargingRateUnit", "A"}, {"chargingSchedulePeriod", {{{"startPeriod", 0}, {"limit", limit}}}}}}}}};
}

std::string result_status(const std::optional<json>& answer) {
  if (!answer || (*answer)[0] != 3) return "no CALLRESULT";
  return (*answer)[2].value("status", "");
}

// Waits for the simulator to show what `ok` asks, at most wait_s real seconds.
template <class F>
bool eventually(F ok) {
  for (int i = 0; i < static_cast<int>(wait_s * 20); ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Starts the simulator and waits until its charge point has booted and told its status.
bool started_and_booted(Simulator& sim, CentralSystem& cs) {
  sim.start();
  return cs.wait_call("BootNotification", wait_s) && cs.wait_call("StatusNotification", wait_s);
}

TEST(OcppChargePoint, BootsWithBasicAuthThenHeartbeatsAtTheGivenInterval) {
  CentralSystem cs("evnet", "s3cret");
  cs.boot_interval = 2;
  Simulator sim(garage_site(), scenario_for(cs, std::nullopt));
  sim.start();
  auto boot = cs.wait_call("BootNotification", wait_s);
  ASSERT_TRUE(boot);
  EXPECT_EQ((*boot)["chargePointModel"], "EVNET-7KW-S-1PH");
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["connectorId"] == 1; }));
  EXPECT_EQ(cs.calls("StatusNotification").back()[3]["status"], "Available");
  ASSERT_TRUE(cs.wait_call("Heartbeat", wait_s, {}, 2));  // a third heartbeat: it keeps going
  EXPECT_EQ(cs.refused(), 0);
}

TEST(OcppChargePoint, ABadPasswordIsRefusedAndRetriedWithoutABoot) {
  CentralSystem cs("evnet", "other");
  Simulator sim(garage_site(), scenario_for(cs, std::nullopt));
  sim.start();
  ASSERT_TRUE(cs.wait_refused(2, wait_s));  // refused, backed off, tried again
  EXPECT_TRUE(cs.calls().empty());
}

TEST(OcppChargePoint, SessionStartsAndStopsWithMeterValues) {
  CentralSystem cs("evnet", "s3cret");
  auto sc = scenario_for(cs);
  sc.evs[0].plug_out = 25.0;
  Simulator sim(garage_site(), sc);
  sim.start();
  ASSERT_TRUE(cs.wait_call("Authorize", wait_s));
  auto start = cs.wait_call("StartTransaction", wait_s);
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["connectorId"], 1);
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Charging"; }));
  auto mv = cs.wait_call("MeterValues", wait_s, [](const json& p) { return p.contains("transactionId"); });
  ASSERT_TRUE(mv);
  EXPECT_EQ((*mv)["transactionId"], 100);
  std::map<std::string, double> seen;
  for (const auto& v : (*mv)["meterValue"][0]["sampledValue"]) seen[v["measurand"]] = std::stod(v["value"].get<std::string>());
  EXPECT_NEAR(seen["Current.Offered"], 32.0, 0.01);   // no profile: the device limit
  EXPECT_GT(seen["Current.Import"], 20.0);
  EXPECT_TRUE(seen.contains("Energy.Active.Import.Register"));
  auto stop = cs.wait_call("StopTransaction", wait_s);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["transactionId"], 100);
  EXPECT_EQ((*stop)["reason"], "EVDisconnected");
  EXPECT_GT((*stop)["meterStop"].get<long>(), (*start)["meterStart"].get<long>());
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Available"; }, 2));  // after the two at boot
}

TEST(OcppChargePoint, AProfileLowersTheOfferAndTheCarFollowsWithinItsLag) {
  CentralSystem cs("evnet", "s3cret");
  Simulator sim(garage_site(), scenario_for(cs, 60.0));  // the car comes after the profile
  sim.start();
  ASSERT_TRUE(cs.wait_sessions(1, wait_s));
  ASSERT_TRUE(cs.wait_call("BootNotification", wait_s));
  // A 16 A default below the garage's 20 A fuse, before any car: the car never sees 32 A.
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(1, "TxDefaultProfile", 0, 16))), "Accepted");
  sim.advance(57);
  auto start = cs.wait_call("StartTransaction", wait_s);
  ASSERT_TRUE(start);
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->amps[0] > 15.5; }));
  EXPECT_NEAR(sim.charger("evnet")->effective_limit, 16, 0.01);
  auto p = relative_profile(2, "TxProfile", 1, 8);
  p["csChargingProfiles"]["transactionId"] = 100;
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", p)), "Accepted");
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->amps[0] < 8.5; }));
  EXPECT_NEAR(sim.charger("evnet")->offered, 8, 0.01);  // the car follows the new offer after its lag
  const auto log = sim.fuse_log();
  EXPECT_NEAR(log.find("garage")->peak[1], 16, 0.5);  // on site L2, counted in the garage circuit
  EXPECT_EQ(log.find("garage")->seconds_over[1], 0);
}

TEST(OcppChargePoint, AStackOfProfilesGivesTheCompositeAndInvalidOnesAreRejected) {
  CentralSystem cs("evnet", "s3cret");
  Simulator sim(garage_site(), scenario_for(cs, std::nullopt));
  ASSERT_TRUE(started_and_booted(sim, cs));
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(1, "ChargePointMaxProfile", 0, 20, 0))), "Accepted");
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(2, "TxDefaultProfile", 0, 24))), "Accepted");
  auto short_one = relative_profile(3, "TxDefaultProfile", 5, 10);
  short_one["csChargingProfiles"]["chargingSchedule"]["duration"] = 600;
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", short_one)), "Accepted");
  auto composite = cs.call("GetCompositeSchedule", {{"connectorId", 1}, {"duration", 3600}});
  ASSERT_EQ(result_status(composite), "Accepted");
  const auto& periods = (*composite)[2]["chargingSchedule"]["chargingSchedulePeriod"];
  ASSERT_EQ(periods.size(), 1u);  // relative, no transaction: period 0 of each counts now
  EXPECT_EQ(periods[0]["limit"], 10.0);

  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(4, "TxDefaultProfile", 101, 6))), "Rejected");
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(5, "ChargePointMaxProfile", 1, 6, 1))), "Rejected");
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(6, "TxProfile", 1, 6))), "Rejected");
  auto garbage = relative_profile(7, "TxDefaultProfile", 2, 6);
  garbage["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = "six";
  auto e = cs.call("SetChargingProfile", garbage);
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)[0], 4);
  EXPECT_EQ((*e)[2], "FormationViolation");
  composite = cs.call("GetCompositeSchedule", {{"connectorId", 1}, {"duration", 60}, {"chargingRateUnit", "W"}});
  EXPECT_EQ((*composite)[2]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"], 2300.0);  // unchanged: 10 A
  EXPECT_EQ(result_status(cs.call("ClearChargingProfile", {{"id", 3}})), "Accepted");
  EXPECT_EQ(result_status(cs.call("ClearChargingProfile", {{"id", 3}})), "Unknown");
}

TEST(OcppChargePoint, ConfigurationKeysOfAppendixTwo) {
  CentralSystem cs("evnet", "s3cret");
  Simulator sim(garage_site(), scenario_for(cs, std::nullopt));
  ASSERT_TRUE(started_and_booted(sim, cs));
  auto got = cs.call("GetConfiguration", {{"key", {"ChargeProfileMaxStackLevel", "c_DeviceLimit_I", "Nope"}}});
  ASSERT_TRUE(got);
  const auto& keys = (*got)[2]["configurationKey"];
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0]["value"], "100");
  EXPECT_EQ(keys[0]["readonly"], true);
  EXPECT_EQ(keys[1]["value"], "320");
  EXPECT_EQ((*got)[2]["unknownKey"][0], "Nope");
  EXPECT_EQ(result_status(cs.call("ChangeConfiguration", {{"key", "ChargingScheduleMaxPeriods"}, {"value", "5"}})), "Rejected");
  EXPECT_EQ(result_status(cs.call("ChangeConfiguration", {{"key", "Nope"}, {"value", "5"}})), "NotSupported");
  EXPECT_EQ(result_status(cs.call("ChangeConfiguration", {{"key", "HeartbeatInterval"}, {"value", "30"}})), "Accepted");
  auto many = cs.call("GetConfiguration", {{"key", {"a", "b", "c", "d", "e", "f"}}});  // GetConfigurationMaxKeys 5
  ASSERT_TRUE(many);
  EXPECT_EQ((*many)[0], 4);
  auto all = cs.call("GetConfiguration", json::object());
  EXPECT_EQ((*all)[2]["configurationKey"].size(), 28u);
}

TEST(OcppChargePoint, ALostConnectionFallsBackToOfflineChargingAndReconnects) {
  CentralSystem cs("evnet", "s3cret");
  auto sc = scenario_for(cs);
  Fault lost;
  lost.device = "evnet";
  lost.kind = FaultKind::silent;
  lost.from = 30;
  lost.to = 45;
  sc.faults.push_back(lost);
  Simulator sim(garage_site(), sc);
  sim.start();
  ASSERT_TRUE(cs.wait_call("StartTransaction", wait_s));
  auto p = relative_profile(2, "TxProfile", 1, 8);
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", p)), "Accepted");
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->effective_limit == 8; }));
  ASSERT_TRUE(cs.wait_disconnected(wait_s));
  // Offline plug-in charge at the maximum permissible current (seed §1.2), profile or not.
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->watchdog_expired; }));
  EXPECT_EQ(sim.charger("evnet")->effective_limit, 32);
  ASSERT_TRUE(cs.wait_sessions(2, wait_s));
  ASSERT_TRUE(cs.wait_call("BootNotification", wait_s, {}, 1));
  ASSERT_TRUE(eventually([&] { return !sim.charger("evnet")->watchdog_expired; }));
  EXPECT_EQ(sim.charger("evnet")->effective_limit, 8);  // the profile is kept through the outage
  EXPECT_GE(sim.now(), 45);
}

TEST(OcppChargePoint, KeepProfilesOfflineHoldsTheLastAcceptedLimit) {
  CentralSystem cs("evnet", "s3cret");
  auto sc = scenario_for(cs);
  sc.ocpp.charge_points[0].offline_limits = OfflineLimits::keep_profiles;
  sc.ocpp.charge_points[0].reconnect = false;
  Fault lost;
  lost.device = "evnet";
  lost.from = 25;
  sc.faults.push_back(lost);
  Simulator sim(garage_site(), sc);
  sim.start();
  ASSERT_TRUE(cs.wait_call("StartTransaction", wait_s));
  EXPECT_EQ(result_status(cs.call("SetChargingProfile", relative_profile(2, "TxProfile", 1, 8))), "Accepted");
  ASSERT_TRUE(cs.wait_disconnected(wait_s));
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->watchdog_expired; }));
  EXPECT_EQ(sim.charger("evnet")->effective_limit, 8);
}

TEST(OcppChargePoint, RemoteStopEndsTheSessionWithTheCarStillPluggedIn) {
  CentralSystem cs("evnet", "s3cret");
  Simulator sim(garage_site(), scenario_for(cs));
  sim.start();
  ASSERT_TRUE(cs.wait_call("StartTransaction", wait_s));
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Charging"; }));
  EXPECT_EQ(result_status(cs.call("RemoteStopTransaction", {{"transactionId", 100}})), "Accepted");
  auto stop = cs.wait_call("StopTransaction", wait_s);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["reason"], "Remote");
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Finishing"; }));
  ASSERT_TRUE(eventually([&] { return sim.charger("evnet")->amps[0] == 0; }));
  EXPECT_EQ(result_status(cs.call("RemoteStopTransaction", {{"transactionId", 100}})), "Rejected");
}

}  // namespace
}  // namespace ampgate::sim

namespace ampgate::sim {
namespace {

TEST(OcppChargePoint, WithoutACardTheCarWaitsForRemoteStartAndTriggersAreAnswered) {
  CentralSystem cs("evnet", "s3cret");
  auto sc = scenario_for(cs);
  sc.ocpp.charge_points[0].id_tag = "";  // no card at plug-in
  Simulator sim(garage_site(), sc);
  sim.start();
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Preparing"; }));
  EXPECT_EQ(sim.charger("evnet")->effective_limit, 0);  // not authorized: no offer
  EXPECT_EQ(result_status(cs.call("RemoteStartTransaction", {{"idTag", "APP-42"}})), "Accepted");
  auto start = cs.wait_call("StartTransaction", wait_s);
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["idTag"], "APP-42");
  EXPECT_EQ(cs.calls("Authorize").back()[3]["idTag"], "APP-42");  // AuthorizeRemoteTxRequests TRUE
  const auto before = cs.calls("MeterValues").size();
  EXPECT_EQ(result_status(cs.call("TriggerMessage", {{"requestedMessage", "MeterValues"}})), "Accepted");
  auto mv = cs.wait_call("MeterValues", wait_s, [](const json& p) {
    return p["meterValue"][0]["sampledValue"][0]["context"] == "Trigger";
  }, 0);
  ASSERT_TRUE(mv);
  EXPECT_GE(cs.calls("MeterValues").size(), before + 1);
  EXPECT_EQ(result_status(cs.call("ChangeAvailability", {{"connectorId", 0}, {"type", "Inoperative"}})), "Scheduled");
  EXPECT_EQ(result_status(cs.call("RemoteStopTransaction", {{"transactionId", 100}})), "Accepted");
  ASSERT_TRUE(cs.wait_call("StatusNotification", wait_s, [](const json& p) { return p["status"] == "Unavailable"; }));
  auto bad = cs.call("Reset", {{"type", "Sideways"}});  // not a ResetType
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)[0], 4);
  EXPECT_EQ((*bad)[2], "FormationViolation");
}

}  // namespace
}  // namespace ampgate::sim
