// The charge point's requests as the dispatcher answers them, and the requests ampgate
// builds for a charge point (checked against the charger's own limits before sending).
#include <gtest/gtest.h>

#include "gateway/ocpp/central_messages.h"
#include "gateway/ocpp/dispatcher.h"

namespace ampgate::ocpp {
namespace {

Dispatcher dispatcher() {
  // 2026-12-01T10:00:00Z
  return Dispatcher(300, [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1796119200)); }, 100);
}

Dispatcher::Outcome handle(Dispatcher& d, const std::string& action, const Json& payload) {
  return d.handle(Call{"c1", action, payload});
}

ErrorCode refusal(const std::string& action, const Json& payload) {
  auto d = dispatcher();
  auto out = handle(d, action, payload);
  EXPECT_TRUE(out.refused) << action << " " << payload.dump();
  return out.refused.value_or(ErrorCode::GenericError);
}

const Json start = {{"connectorId", 1}, {"idTag", "TAG1"}, {"meterStart", 1200}, {"timestamp", "2026-12-01T10:00:00Z"}};

TEST(OcppDispatcher, BootIsAcceptedWithTheHeartbeatIntervalAndTheTime) {
  auto d = dispatcher();
  auto out = handle(d, "BootNotification", {{"chargePointVendor", "EVNET"}, {"chargePointModel", "EVNET-1"}});
  ASSERT_TRUE(std::holds_alternative<CallResult>(out.reply));
  const Json& conf = std::get<CallResult>(out.reply).payload;
  EXPECT_EQ(conf["status"], "Accepted");
  EXPECT_EQ(conf["interval"], 300);
  EXPECT_EQ(conf["currentTime"], "2026-12-01T10:00:00Z");
  ASSERT_TRUE(out.message);
  EXPECT_EQ(std::get<BootNotification>(*out.message).vendor, "EVNET");
}

TEST(OcppDispatcher, TransactionsGetRisingIds) {
  auto d = dispatcher();
  auto a = handle(d, "StartTransaction", start);
  auto b = handle(d, "StartTransaction", start);
  EXPECT_EQ(std::get<CallResult>(a.reply).payload["transactionId"], 100);
  EXPECT_EQ(std::get<CallResult>(b.reply).payload["transactionId"], 101);
  EXPECT_EQ(std::get<StartTransaction>(*b.message).transaction_id, 101);
  EXPECT_EQ(std::get<CallResult>(a.reply).payload["idTagInfo"]["status"], "Accepted");
}

TEST(OcppDispatcher, MeterValuesCarryCurrentPerPhase) {
  auto d = dispatcher();
  Json mv = {{"connectorId", 1}, {"transactionId", 100},
             {"meterValue", {{{"timestamp", "2026-12-01T10:01:00Z"},
                              {"sampledValue", {{{"value", "15.8"}, {"measurand", "Current.Import"}, {"phase", "L1"}, {"unit", "A"}},
                                                {{"value", "16"}, {"measurand", "Current.Offered"}, {"phase", "L1"}},
                                                {{"value", "4321"}}}}}}}};
  auto out = handle(d, "MeterValues", mv);
  ASSERT_TRUE(std::holds_alternative<CallResult>(out.reply));
  const auto& m = std::get<MeterValues>(*out.message);
  ASSERT_EQ(m.values.size(), 1u);
  ASSERT_EQ(m.values[0].samples.size(), 3u);
  EXPECT_DOUBLE_EQ(m.values[0].samples[0].value, 15.8);
  EXPECT_EQ(m.values[0].samples[0].phase, "L1");
  EXPECT_EQ(m.values[0].samples[1].measurand, "Current.Offered");
  EXPECT_EQ(m.values[0].samples[2].measurand, "Energy.Active.Import.Register");
}

TEST(OcppDispatcher, StopStatusAuthorizeHeartbeatAndDataTransferAreAnswered) {
  auto d = dispatcher();
  auto stop = handle(d, "StopTransaction", {{"transactionId", 100}, {"meterStop", 5400}, {"timestamp", "2026-12-01T11:00:00Z"},
                                            {"reason", "EVDisconnected"}});
  EXPECT_EQ(std::get<StopTransaction>(*stop.message).meter_stop_wh, 5400);
  auto status = handle(d, "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Charging"}});
  EXPECT_EQ(std::get<StatusNotification>(*status.message).status, ConnectorStatus::Charging);
  EXPECT_EQ(std::get<CallResult>(status.reply).payload, Json::object());
  auto auth = handle(d, "Authorize", {{"idTag", "TAG1"}});
  EXPECT_EQ(std::get<CallResult>(auth.reply).payload["idTagInfo"]["status"], "Accepted");
  auto hb = handle(d, "Heartbeat", Json::object());
  EXPECT_EQ(std::get<CallResult>(hb.reply).payload["currentTime"], "2026-12-01T10:00:00Z");
  auto dt = handle(d, "DataTransfer", {{"vendorId", "EVNET"}, {"data", "x"}});
  EXPECT_EQ(std::get<CallResult>(dt.reply).payload["status"], "Accepted");
}

TEST(OcppDispatcher, EachKindOfBadPayloadGetsItsErrorCode) {
  EXPECT_EQ(refusal("BootNotification", {{"chargePointVendor", "EVNET"}}), ErrorCode::ProtocolError);  // model missing
  EXPECT_EQ(refusal("BootNotification", {{"chargePointVendor", 7}, {"chargePointModel", "m"}}),
            ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(refusal("BootNotification", {{"chargePointVendor", std::string(21, 'v')}, {"chargePointModel", "m"}}),
            ErrorCode::TypeConstraintViolation);  // CiString20
  EXPECT_EQ(refusal("StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Sleeping"}}),
            ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(refusal("StatusNotification", {{"connectorId", -1}, {"errorCode", "NoError"}, {"status", "Charging"}}),
            ErrorCode::PropertyConstraintViolation);
  Json bad_time = start;
  bad_time["timestamp"] = "yesterday";
  EXPECT_EQ(refusal("StartTransaction", bad_time), ErrorCode::TypeConstraintViolation);
  Json float_meter = start;
  float_meter["meterStart"] = 1.5;
  EXPECT_EQ(refusal("StartTransaction", float_meter), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(refusal("MeterValues", {{"connectorId", 1}, {"meterValue", Json::array()}}),
            ErrorCode::OccurenceConstraintViolation);
  EXPECT_EQ(refusal("MeterValues", {{"connectorId", 1},
                                    {"meterValue", {{{"timestamp", "2026-12-01T10:01:00Z"},
                                                     {"sampledValue", {{{"value", "lots"}}}}}}}}),
            ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(refusal("FlyToTheMoon", Json::object()), ErrorCode::NotImplemented);
  EXPECT_EQ(refusal("FirmwareStatusNotification", {{"status", "Idle"}}), ErrorCode::NotSupported);
}

TEST(OcppDispatcher, ARefusedStartGivesNoTransactionId) {
  auto d = dispatcher();
  Json bad = start;
  bad.erase("idTag");
  EXPECT_TRUE(handle(d, "StartTransaction", bad).refused);
  EXPECT_EQ(d.next_transaction_id(), 100);
}

// The EVNET's limits (seed 002 Appendix II): stack levels up to 100, 60 periods, A and W.
const ProfileLimits evnet{100, 60, true, true};

ChargingProfile default_profile(double amps) {
  ChargingProfile p;
  p.id = 7;
  p.stack_level = 1;
  p.purpose = ProfilePurpose::TxDefaultProfile;
  p.periods = {{0, amps, 1}};
  return p;
}

TEST(OcppRequests, AChargingProfileGoesOutWithPhasesAndALimitRoundedDown) {
  auto built = set_charging_profile(1, default_profile(13.37), evnet);
  ASSERT_TRUE(std::holds_alternative<Request>(built)) << std::get<BuildError>(built).message;
  const auto& r = std::get<Request>(built);
  EXPECT_EQ(r.action, "SetChargingProfile");
  const Json& p = r.payload["csChargingProfiles"];
  EXPECT_EQ(p["chargingProfilePurpose"], "TxDefaultProfile");
  EXPECT_EQ(p["chargingProfileKind"], "Relative");
  EXPECT_EQ(p["stackLevel"], 1);
  EXPECT_EQ(p["chargingSchedule"]["chargingRateUnit"], "A");
  EXPECT_DOUBLE_EQ(p["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"].get<double>(), 13.3);
  EXPECT_EQ(p["chargingSchedule"]["chargingSchedulePeriod"][0]["numberPhases"], 1);
}

TEST(OcppRequests, AProfileOutsideTheChargersLimitsIsNotBuilt) {
  auto high = default_profile(10);
  high.stack_level = 101;
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, high, evnet)));
  auto watts = default_profile(10);
  watts.unit = RateUnit::W;
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, watts, {100, 60, true, false})));
  auto tx = default_profile(10);
  tx.purpose = ProfilePurpose::TxProfile;  // without the transaction
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, tx, evnet)));
  tx.transaction_id = 100;
  EXPECT_TRUE(std::holds_alternative<Request>(set_charging_profile(1, tx, evnet)));
  auto negative = default_profile(-1);
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, negative, evnet)));
  auto many = default_profile(10);
  for (int i = 1; i <= 60; ++i) many.periods.push_back({i * 60, 10, 1});
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, many, evnet)));
  auto max_profile = default_profile(10);
  max_profile.purpose = ProfilePurpose::ChargePointMaxProfile;
  EXPECT_TRUE(std::holds_alternative<BuildError>(set_charging_profile(1, max_profile, evnet)));
  EXPECT_TRUE(std::holds_alternative<Request>(set_charging_profile(0, max_profile, evnet)));
}

TEST(OcppRequests, TheOtherRequestsCarryTheirFields) {
  auto payload = [](Built b) { return std::get<Request>(b).payload; };
  ClearFilter by_id;
  by_id.id = 7;
  EXPECT_EQ(payload(clear_charging_profile(by_id)), (Json{{"id", 7}}));
  EXPECT_EQ(payload(get_composite_schedule(1, 3600, RateUnit::A)),
            (Json{{"connectorId", 1}, {"duration", 3600}, {"chargingRateUnit", "A"}}));
  EXPECT_EQ(payload(get_configuration({"MeterValueSampleInterval"}))["key"][0], "MeterValueSampleInterval");
  EXPECT_EQ(payload(change_configuration("MeterValueSampleInterval", "10")),
            (Json{{"key", "MeterValueSampleInterval"}, {"value", "10"}}));
  EXPECT_EQ(payload(trigger_message(TriggerKind::MeterValues, 1)),
            (Json{{"requestedMessage", "MeterValues"}, {"connectorId", 1}}));
  EXPECT_EQ(payload(remote_start_transaction("TAG1", 1)), (Json{{"idTag", "TAG1"}, {"connectorId", 1}}));
  EXPECT_EQ(payload(remote_stop_transaction(100)), (Json{{"transactionId", 100}}));
  EXPECT_EQ(payload(change_availability(0, false)), (Json{{"connectorId", 0}, {"type", "Inoperative"}}));
  EXPECT_EQ(payload(reset(false)), (Json{{"type", "Soft"}}));
  EXPECT_TRUE(std::holds_alternative<BuildError>(change_configuration(std::string(51, 'k'), "1")));
  EXPECT_TRUE(std::holds_alternative<BuildError>(remote_start_transaction("", std::nullopt)));
}

TEST(OcppConfirmations, StatusWordsAreCheckedPerAction) {
  auto ok = parse_status_conf("SetChargingProfile", {{"status", "Rejected"}});
  ASSERT_TRUE(std::holds_alternative<StatusConf>(ok));
  EXPECT_FALSE(std::get<StatusConf>(ok).accepted());
  // RebootRequired belongs to ChangeConfiguration, not to SetChargingProfile.
  EXPECT_TRUE(std::holds_alternative<Violation>(parse_status_conf("SetChargingProfile", {{"status", "RebootRequired"}})));
  EXPECT_TRUE(std::holds_alternative<StatusConf>(parse_status_conf("ChangeConfiguration", {{"status", "RebootRequired"}})));
  EXPECT_TRUE(std::holds_alternative<Violation>(parse_status_conf("Reset", Json::object())));
}

TEST(OcppConfirmations, ConfigurationAndCompositeScheduleAreRead) {
  auto conf = parse_get_configuration_conf(
      {{"configurationKey", {{{"key", "ChargeProfileMaxStackLevel"}, {"readonly", true}, {"value", "100"}}}},
       {"unknownKey", {"Nope"}}});
  ASSERT_TRUE(std::holds_alternative<GetConfigurationConf>(conf));
  EXPECT_EQ(std::get<GetConfigurationConf>(conf).keys[0].value, "100");
  EXPECT_EQ(std::get<GetConfigurationConf>(conf).unknown[0], "Nope");
  auto sched = parse_composite_schedule_conf(
      {{"status", "Accepted"}, {"connectorId", 1}, {"scheduleStart", "2026-12-01T10:00:00Z"},
       {"chargingSchedule", {{"chargingRateUnit", "A"}, {"chargingSchedulePeriod", {{{"startPeriod", 0}, {"limit", 10.0}}}}}}});
  ASSERT_TRUE(std::holds_alternative<CompositeSchedule>(sched));
  EXPECT_TRUE(std::get<CompositeSchedule>(sched).accepted);
  EXPECT_DOUBLE_EQ(std::get<CompositeSchedule>(sched).periods[0].limit, 10.0);
  EXPECT_TRUE(std::holds_alternative<Violation>(parse_composite_schedule_conf(
      {{"status", "Accepted"}, {"chargingSchedule", {{"chargingRateUnit", "A"}, {"chargingSchedulePeriod", {{{"limit", 10}}}}}}})));
}

}  // namespace
}  // namespace ampgate::ocpp
