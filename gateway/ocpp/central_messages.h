#pragma once
// The requests the central system sends to a charge point (OCPP 1.6 section 5), built
// from typed values that are checked before anything goes on the wire, and the parsers
// of the charge point's confirmations.
#include <optional>
#include <string>
#include <vector>

#include "gateway/ocpp/charger_messages.h"

namespace ampgate::ocpp {

// A request ready to send: the action name and its payload.
struct Request {
  std::string action;
  Json payload;
};
// A request that could not be built, and why (our own bug or a bad site file, never sent).
struct BuildError {
  std::string message;
};
using Built = std::variant<Request, BuildError>;

enum class ProfilePurpose : unsigned char { ChargePointMaxProfile, TxDefaultProfile, TxProfile };
enum class ProfileKind : unsigned char { Absolute, Recurring, Relative };
enum class RateUnit : unsigned char { A, W };
const char* to_string(ProfilePurpose p);
const char* to_string(RateUnit u);

struct SchedulePeriod {
  int start_s = 0;          // seconds from the schedule's start
  double limit = 0;         // in the schedule's unit, per phase for A
  std::optional<int> number_phases;
};
struct ChargingProfile {
  int id = 1;
  std::optional<int> transaction_id;  // TxProfile only
  int stack_level = 0;
  ProfilePurpose purpose = ProfilePurpose::TxDefaultProfile;
  ProfileKind kind = ProfileKind::Relative;
  std::optional<int> duration_s;
  std::string start_schedule;  // RFC 3339, Absolute profiles
  RateUnit unit = RateUnit::A;
  std::vector<SchedulePeriod> periods;
  std::optional<double> min_charging_rate;
};
// The charger's own limits on profiles (ChargeProfileMaxStackLevel, ChargingScheduleMaxPeriods,
// ChargingScheduleAllowedChargingRateUnit); a profile outside them is not built.
struct ProfileLimits {
  int max_stack_level = 0;
  int max_periods = 1;
  bool amps = true;
  bool watts = false;
};

Built set_charging_profile(int connector_id, const ChargingProfile& p, const ProfileLimits& limits);
struct ClearFilter {
  std::optional<int> id, connector_id, stack_level;
  std::optional<ProfilePurpose> purpose;
};
Built clear_charging_profile(const ClearFilter& f);
Built get_composite_schedule(int connector_id, int duration_s, std::optional<RateUnit> unit);
Built get_configuration(const std::vector<std::string>& keys);
Built change_configuration(const std::string& key, const std::string& value);
enum class TriggerKind : unsigned char {
  BootNotification, DiagnosticsStatusNotification, FirmwareStatusNotification, Heartbeat, MeterValues, StatusNotification
};
Built trigger_message(TriggerKind what, std::optional<int> connector_id);
Built remote_start_transaction(const std::string& id_tag, std::optional<int> connector_id);
Built remote_stop_transaction(int transaction_id);
Built change_availability(int connector_id, bool operative);
Built reset(bool hard);

// Confirmations. Every one that carries a `status` reads into this word, checked
// against the action's own set.
struct StatusConf {
  std::string status;  // e.g. "Accepted", "Rejected", "NotSupported"
  bool accepted() const { return status == "Accepted"; }
};
// `action` names the request the confirmation answers.
Parse<StatusConf> parse_status_conf(const std::string& action, const Json& payload);

struct ConfigurationKey {
  std::string key;
  bool readonly = false;
  std::optional<std::string> value;
};
struct GetConfigurationConf {
  std::vector<ConfigurationKey> keys;
  std::vector<std::string> unknown;
};
Parse<GetConfigurationConf> parse_get_configuration_conf(const Json& payload);

struct CompositeSchedule {
  bool accepted = false;
  std::optional<int> connector_id;
  std::string schedule_start;
  std::optional<RateUnit> unit;
  std::vector<SchedulePeriod> periods;
};
Parse<CompositeSchedule> parse_composite_schedule_conf(const Json& payload);

}  // namespace ampgate::ocpp
