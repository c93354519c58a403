#include "gateway/ocpp/central_messages.h"

#include <array>
#include <cmath>

namespace ampgate::ocpp {

namespace {

using namespace std::string_view_literals;

constexpr std::array purpose_words{"ChargePointMaxProfile"sv, "TxDefaultProfile"sv, "TxProfile"sv};
constexpr std::array kind_words{"Absolute"sv, "Recurring"sv, "Relative"sv};
constexpr std::array unit_words{"A"sv, "W"sv};
constexpr std::array trigger_words{"BootNotification"sv, "DiagnosticsStatusNotification"sv,
                                   "FirmwareStatusNotification"sv, "Heartbeat"sv, "MeterValues"sv,
                                   "StatusNotification"sv};

// The status words each confirmation may carry (OCPP 1.6 section 7).
struct StatusSet {
  std::string_view action;
  std::array<std::string_view, 4> words;
};
constexpr std::array status_sets{
    StatusSet{"SetChargingProfile", {"Accepted", "Rejected", "NotSupported", ""}},
    StatusSet{"ClearChargingProfile", {"Accepted", "Unknown", "", ""}},
    StatusSet{"ChangeConfiguration", {"Accepted", "Rejected", "RebootRequired", "NotSupported"}},
    StatusSet{"TriggerMessage", {"Accepted", "Rejected", "NotImplemented", ""}},
    StatusSet{"RemoteStartTransaction", {"Accepted", "Rejected", "", ""}},
    StatusSet{"RemoteStopTransaction", {"Accepted", "Rejected", "", ""}},
    StatusSet{"ChangeAvailability", {"Accepted", "Rejected", "Scheduled", ""}},
    StatusSet{"Reset", {"Accepted", "Rejected", "", ""}},
    StatusSet{"GetCompositeSchedule", {"Accepted", "Rejected", "", ""}},
};

Built fail(std::string message) { return BuildError{std::move(message)}; }

// OCPP takes a limit with one decimal; round down, so that what goes out is never above
// what was decided.
double one_decimal_down(double x) { return std::floor(x * 10.0 + 1e-9) / 10.0; }

Json schedule_json(const ChargingProfile& p) {
  Json periods = Json::array();
  for (const auto& s : p.periods) {
    Json j{{"startPeriod", s.start_s}, {"limit", one_decimal_down(s.limit)}};
    if (s.number_phases) j["numberPhases"] = *s.number_phases;
    periods.push_back(std::move(j));
  }
  Json sched{{"chargingRateUnit", unit_words[static_cast<std::size_t>(p.unit)]}, {"chargingSchedulePeriod", periods}};
  if (p.duration_s) sched["duration"] = *p.duration_s;
  if (!p.start_schedule.empty()) sched["startSchedule"] = p.start_schedule;
  if (p.min_charging_rate) sched["minChargingRate"] = one_decimal_down(*p.min_charging_rate);
  return sched;
}

std::optional<std::string> profile_problem(int connector_id, const ChargingProfile& p, const ProfileLimits& l) {
  if (connector_id < 0) return "connector id below 0";
  if (p.id < 1) return "profile id must be 1 or more";
  if (p.stack_level < 0 || p.stack_level > l.max_stack_level)
    return "stack level " + std::to_string(p.stack_level) + " is outside 0–" + std::to_string(l.max_stack_level) +
           " (ChargeProfileMaxStackLevel)";
  if (p.purpose == ProfilePurpose::ChargePointMaxProfile && connector_id != 0)
    return "a ChargePointMaxProfile goes to connector 0";
  if (p.purpose == ProfilePurpose::TxProfile && (connector_id == 0 || !p.transaction_id))
    return "a TxProfile needs a connector above 0 and the running transaction's id";
  if (p.purpose != ProfilePurpose::TxProfile && p.transaction_id) return "only a TxProfile names a transaction";
  if (p.kind == ProfileKind::Recurring) return "recurring profiles are not built by ampgate";
  if (p.kind == ProfileKind::Absolute && p.start_schedule.empty()) return "an Absolute profile needs a start";
  if (p.kind == ProfileKind::Relative && !p.start_schedule.empty()) return "a Relative profile has no start";
  if (p.unit == RateUnit::A && !l.amps) return "the charger does not take schedules in A";
  if (p.unit == RateUnit::W && !l.watts) return "the charger does not take schedules in W";
  if (p.duration_s && *p.duration_s < 1) return "duration must be 1 s or more";
  if (p.periods.empty()) return "a schedule needs at least one period";
  if (static_cast<int>(p.periods.size()) > l.max_periods)
    return std::to_string(p.periods.size()) + " periods exceed ChargingScheduleMaxPeriods " + std::to_string(l.max_periods);
  if (p.periods.front().start_s != 0) return "the first period starts at 0";
  for (std::size_t i = 0; i < p.periods.size(); ++i) {
    const auto& s = p.periods[i];
    if (!std::isfinite(s.limit) || s.limit < 0) return "period " + std::to_string(i) + ": limit must be 0 or more";
    if (i > 0 && s.start_s <= p.periods[i - 1].start_s) return "period " + std::to_string(i) + ": starts must rise";
    if (s.number_phases && (*s.number_phases < 1 || *s.number_phases > 3))
      return "period " + std::to_string(i) + ": numberPhases is 1, 2 or 3";
  }
  return std::nullopt;
}

template <class T>
Parse<T> done(Fields& f, T value) {
  if (!f.ok()) return *f.violation();
  return value;
}

}  // namespace

const char* to_string(ProfilePurpose p) { return purpose_words[static_cast<std::size_t>(p)].data(); }
const char* to_string(RateUnit u) { return unit_words[static_cast<std::size_t>(u)].data(); }

Built set_charging_profile(int connector_id, const ChargingProfile& p, const ProfileLimits& limits) {
  if (auto why = profile_problem(connector_id, p, limits)) return fail("SetChargingProfile: " + *why);
  Json profile{{"chargingProfileId", p.id},
               {"stackLevel", p.stack_level},
               {"chargingProfilePurpose", purpose_words[static_cast<std::size_t>(p.purpose)]},
               {"chargingProfileKind", kind_words[static_cast<std::size_t>(p.kind)]},
               {"chargingSchedule", schedule_json(p)}};
  if (p.transaction_id) profile["transactionId"] = *p.transaction_id;
  return Request{"SetChargingProfile", {{"connectorId", connector_id}, {"csChargingProfiles", profile}}};
}

Built clear_charging_profile(const ClearFilter& f) {
  Json j = Json::object();
  if (f.id) j["id"] = *f.id;
  if (f.connector_id) {
    if (*f.connector_id < 0) return fail("ClearChargingProfile: connector id below 0");
    j["connectorId"] = *f.connector_id;
  }
  if (f.purpose) j["chargingProfilePurpose"] = purpose_words[static_cast<std::size_t>(*f.purpose)];
  if (f.stack_level) {
    if (*f.stack_level < 0) return fail("ClearChargingProfile: stack level below 0");
    j["stackLevel"] = *f.stack_level;
  }
  return Request{"ClearChargingProfile", std::move(j)};
}

Built get_composite_schedule(int connector_id, int duration_s, std::optional<RateUnit> unit) {
  if (connector_id < 0 || duration_s < 1) return fail("GetCompositeSchedule: connector 0 or more, duration 1 s or more");
  Json j{{"connectorId", connector_id}, {"duration", duration_s}};
  if (unit) j["chargingRateUnit"] = to_string(*unit);
  return Request{"GetCompositeSchedule", std::move(j)};
}

Built get_configuration(const std::vector<std::string>& keys) {
  Json j = Json::object();
  if (!keys.empty()) {
    for (const auto& k : keys)
      if (k.empty() || k.size() > 50) return fail("GetConfiguration: a key is 1 to 50 characters");
    j["key"] = keys;
  }
  return Request{"GetConfiguration", std::move(j)};
}

Built change_configuration(const std::string& key, const std::string& value) {
  if (key.empty() || key.size() > 50) return fail("ChangeConfiguration: a key is 1 to 50 characters");
  if (value.size() > 500) return fail("ChangeConfiguration: a value is at most 500 characters");
  return Request{"ChangeConfiguration", {{"key", key}, {"value", value}}};
}

Built trigger_message(TriggerKind what, std::optional<int> connector_id) {
  Json j{{"requestedMessage", trigger_words[static_cast<std::size_t>(what)]}};
  if (connector_id) {
    if (*connector_id < 1) return fail("TriggerMessage: a connector id is 1 or more");
    j["connectorId"] = *connector_id;
  }
  return Request{"TriggerMessage", std::move(j)};
}

Built remote_start_transaction(const std::string& id_tag, std::optional<int> connector_id) {
  if (id_tag.empty() || id_tag.size() > 20) return fail("RemoteStartTransaction: an idTag is 1 to 20 characters");
  Json j{{"idTag", id_tag}};
  if (connector_id) {
    if (*connector_id < 1) return fail("RemoteStartTransaction: a connector id is 1 or more");
    j["connectorId"] = *connector_id;
  }
  return Request{"RemoteStartTransaction", std::move(j)};
}

Built remote_stop_transaction(int transaction_id) {
  return Request{"RemoteStopTransaction", {{"transactionId", transaction_id}}};
}

Built change_availability(int connector_id, bool operative) {
  if (connector_id < 0) return fail("ChangeAvailability: connector id below 0");
  return Request{"ChangeAvailability", {{"connectorId", connector_id}, {"type", operative ? "Operative" : "Inoperative"}}};
}

Built reset(bool hard) { return Request{"Reset", {{"type", hard ? "Hard" : "Soft"}}}; }

Parse<StatusConf> parse_status_conf(const std::string& action, const Json& payload) {
  Fields f(payload);
  const StatusSet* set = nullptr;
  for (const auto& s : status_sets)
    if (s.action == action) set = &s;
  if (!set) {
    f.fail(ErrorCode::NotSupported, action + ": no status confirmation");
    return *f.violation();
  }
  std::vector<std::string_view> words;
  for (auto w : set->words)
    if (!w.empty()) words.push_back(w);
  StatusConf c;
  if (auto i = f.word("status", words, true)) c.status = std::string(words[*i]);
  return done(f, std::move(c));
}

Parse<GetConfigurationConf> parse_get_configuration_conf(const Json& payload) {
  Fields f(payload);
  GetConfigurationConf c;
  if (const Json* keys = f.array("configurationKey", false)) {
    for (std::size_t i = 0; i < keys->size() && f.ok(); ++i) {
      Fields k((*keys)[i], "configurationKey[" + std::to_string(i) + "]");
      ConfigurationKey ck;
      if (auto v = k.string("key", 50, true)) ck.key = *v;
      if (auto v = k.boolean("readonly", true)) ck.readonly = *v;
      ck.value = k.string("value", 500, false);
      if (!k.ok()) f.absorb(*k.violation());
      else c.keys.push_back(std::move(ck));
    }
  }
  if (const Json* unknown = f.array("unknownKey", false)) {
    for (const auto& u : *unknown) {
      if (!u.is_string()) f.fail(ErrorCode::TypeConstraintViolation, "unknownKey: expected strings");
      else c.unknown.push_back(u.get<std::string>());
    }
  }
  return done(f, std::move(c));
}

Parse<CompositeSchedule> parse_composite_schedule_conf(const Json& payload) {
  Fields f(payload);
  CompositeSchedule c;
  constexpr std::array words{"Accepted"sv, "Rejected"sv};
  if (auto i = f.word("status", words, true)) c.accepted = *i == 0;
  if (auto v = f.integer("connectorId", 0, false)) c.connector_id = static_cast<int>(*v);
  if (auto v = f.date_time("scheduleStart", false)) c.schedule_start = *v;
  if (const Json* s = f.object("chargingSchedule", false)) {
    Fields sf(*s, "chargingSchedule");
    if (auto u = sf.word("chargingRateUnit", unit_words, true)) c.unit = static_cast<RateUnit>(*u);
    if (const Json* periods = sf.array("chargingSchedulePeriod", true)) {
      for (std::size_t i = 0; i < periods->size() && sf.ok(); ++i) {
        Fields pf((*periods)[i], "chargingSchedule.chargingSchedulePeriod[" + std::to_string(i) + "]");
        SchedulePeriod p;
        if (auto v = pf.integer("startPeriod", 0, true)) p.start_s = static_cast<int>(*v);
        if (auto v = pf.number("limit", 0, true)) p.limit = *v;
        if (auto v = pf.integer("numberPhases", 1, false)) p.number_phases = static_cast<int>(*v);
        if (!pf.ok()) sf.absorb(*pf.violation());
        else c.periods.push_back(p);
      }
    }
    if (!sf.ok()) f.absorb(*sf.violation());
  }
  return done(f, std::move(c));
}

}  // namespace ampgate::ocpp
