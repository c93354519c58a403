#include "gateway/sim/ocpp_profiles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ampgate::sim::ocpp {

std::optional<double> parse_time(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, used = 0;
  double sec = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61) return std::nullopt;
  const std::string zone = text.substr(static_cast<std::size_t>(used));
  double offset = 0;
  if (zone == "Z" || zone.empty()) {
    offset = 0;  // no zone: read as UTC, as the charger's clock is set by Boot/Heartbeat in UTC
  } else {
    int zh = 0, zm = 0;
    char sign = 0;
    if (std::sscanf(zone.c_str(), "%c%2d:%2d", &sign, &zh, &zm) != 3 || (sign != '+' && sign != '-')) return std::nullopt;
    offset = (sign == '+' ? 1 : -1) * (zh * 3600.0 + zm * 60.0);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<double>(timegm(&tm)) + sec - offset;
}

std::string format_time(double unix_seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(unix_seconds));
  const int ms = static_cast<int>((unix_seconds - std::floor(unix_seconds)) * 1000);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

namespace {

std::optional<double> time_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return std::nullopt;
  auto t = parse_time(j.at(key).get<std::string>());
  if (!t) throw BadPayload(std::string(key) + " is not an ISO 8601 date-time");
  return t;
}

// Where the schedule of `p` starts for a moment `t`.
double schedule_start(const Profile& p, double t, std::optional<double> tx_start) {
  switch (p.kind) {
    case Kind::absolute: return *p.start_schedule;
    case Kind::relative: return tx_start.value_or(t);
    case Kind::recurring: {
      const double every = p.weekly ? 7 * 86400.0 : 86400.0;
      return *p.start_schedule + std::floor((t - *p.start_schedule) / every) * every;
    }
  }
  return t;
}

// The period of `p` in force at `t`, if the profile is valid and its schedule runs then.
const Period* period_at(const Profile& p, double t, std::optional<double> tx_start) {
  if (p.valid_from && t < *p.valid_from) return nullptr;
  if (p.valid_to && t >= *p.valid_to) return nullptr;
  const double offset = t - schedule_start(p, t, tx_start);
  if (offset < 0 || (p.duration && offset >= *p.duration)) return nullptr;
  const Period* found = nullptr;
  for (const auto& q : p.periods)
    if (q.start <= offset) found = &q;
  return found;
}

}  // namespace

Purpose read_purpose(const std::string& w) {
  if (w == "ChargePointMaxProfile") return Purpose::charge_point_max;
  if (w == "TxDefaultProfile") return Purpose::tx_default;
  if (w == "TxProfile") return Purpose::tx;
  throw BadPayload("chargingProfilePurpose '" + w + "' is not one of the three");
}

Profile read_profile(const nlohmann::json& j, int connector) {
  Profile p;
  p.connector = connector;
  p.id = j.at("chargingProfileId").get<int>();
  if (j.contains("transactionId")) p.transaction = j.at("transactionId").get<int>();
  p.stack_level = j.at("stackLevel").get<int>();
  p.purpose = read_purpose(j.at("chargingProfilePurpose").get<std::string>());
  const auto kind = j.at("chargingProfileKind").get<std::string>();
  if (kind == "Absolute") p.kind = Kind::absolute;
  else if (kind == "Recurring") p.kind = Kind::recurring;
  else if (kind == "Relative") p.kind = Kind::relative;
  else throw BadPayload("chargingProfileKind '" + kind + "' is not Absolute, Recurring or Relative");
  if (j.contains("recurrencyKind")) {
    const auto r = j.at("recurrencyKind").get<std::string>();
    if (r != "Daily" && r != "Weekly") throw BadPayload("recurrencyKind '" + r + "' is not Daily or Weekly");
    p.weekly = r == "Weekly";
  } else if (p.kind == Kind::recurring) {
    throw BadPayload("a Recurring profile needs recurrencyKind");
  }
  p.valid_from = time_field(j, "validFrom");
  p.valid_to = time_field(j, "validTo");
  const auto& s = j.at("chargingSchedule");
  if (s.contains("duration")) p.duration = s.at("duration").get<int>();
  p.start_schedule = time_field(s, "startSchedule");
  const auto unit = s.at("chargingRateUnit").get<std::string>();
  if (unit != "A" && unit != "W") throw BadPayload("chargingRateUnit '" + unit + "' is not A or W");
  p.watts = unit == "W";
  for (const auto& q : s.at("chargingSchedulePeriod"))
    p.periods.push_back({static_cast<double>(q.at("startPeriod").get<int>()), q.at("limit").get<double>(),
                         q.contains("numberPhases") ? q.at("numberPhases").get<int>() : 0});
  return p;
}

std::string ProfileStore::install(const Profile& given, const Limits& limits, std::optional<int> transaction) {
  Profile p = given;
  if (p.connector < 0 || p.connector > 1) return "connector " + std::to_string(p.connector) + " does not exist";
  if (p.purpose == Purpose::charge_point_max && p.connector != 0) return "ChargePointMaxProfile is for connector 0 only";
  if (p.purpose == Purpose::tx) {
    if (p.connector != 1) return "TxProfile needs connector 1";
    if (!transaction) return "TxProfile without a running transaction";
    if (p.transaction && *p.transaction != *transaction) return "TxProfile for another transaction";
    p.transaction = transaction;
  }
  if (p.stack_level < 0 || p.stack_level > limits.max_stack_level)
    return "stackLevel " + std::to_string(p.stack_level) + " outside 0.." + std::to_string(limits.max_stack_level);
  if (p.watts ? !limits.watts : !limits.amps) return std::string("unit ") + (p.watts ? "W" : "A") + " not allowed";
  if (p.periods.empty()) return "no schedule periods";
  if (static_cast<int>(p.periods.size()) > limits.max_periods)
    return std::to_string(p.periods.size()) + " periods, more than " + std::to_string(limits.max_periods);
  if (p.periods.front().start != 0) return "the first period does not start at 0";
  for (std::size_t i = 0; i < p.periods.size(); ++i) {
    const auto& q = p.periods[i];
    if (i > 0 && q.start <= p.periods[i - 1].start) return "periods not in ascending startPeriod";
    if (!(q.limit >= 0) || !std::isfinite(q.limit)) return "a negative limit";
    if (q.phases < 0 || q.phases > 3) return "numberPhases outside 1..3";
    if (q.phases > 1 && !limits.three_phase) return "numberPhases above 1 on a single-phase charger";
  }
  if (p.kind != Kind::relative && !p.start_schedule) return "an Absolute or Recurring profile needs startSchedule";
  if (p.duration && *p.duration <= 0) return "duration must be above 0";
  if (p.valid_from && p.valid_to && *p.valid_to <= *p.valid_from) return "validTo not after validFrom";
  // Spec §5.16.1: the same id, or the same stackLevel and purpose, replaces the installed one.
  auto kept = profiles_;
  std::erase_if(kept, [&](const Profile& o) {
    return o.id == p.id || (o.stack_level == p.stack_level && o.purpose == p.purpose);
  });
  if (static_cast<int>(kept.size()) >= limits.max_installed)
    return "already " + std::to_string(kept.size()) + " profiles installed (MaxChargingProfilesInstalled)";
  kept.push_back(p);
  profiles_ = std::move(kept);
  return "";
}

bool ProfileStore::clear(std::optional<int> id, std::optional<int> connector, std::optional<Purpose> purpose,
                         std::optional<int> stack_level) {
  const auto before = profiles_.size();
  std::erase_if(profiles_, [&](const Profile& p) {
    if (id) return p.id == *id;  // an id names one profile; the other criteria are ignored then
    return (!connector || p.connector == *connector) && (!purpose || p.purpose == *purpose) &&
           (!stack_level || p.stack_level == *stack_level);
  });
  return profiles_.size() != before;
}

void ProfileStore::end_transaction() {
  std::erase_if(profiles_, [](const Profile& p) { return p.purpose == Purpose::tx; });
}

std::optional<double> ProfileStore::limit_at(double t, std::optional<double> tx_start, bool in_transaction,
                                             const Limits& limits) const {
  // Per purpose the highest stack level in force prevails (spec §3.13.2); a TxProfile
  // overrules the TxDefaultProfile; the ChargePointMaxProfile caps the result (§3.13.3).
  std::optional<double> winner[3];
  int level[3] = {-1, -1, -1};
  for (const auto& p : profiles_) {
    if (p.purpose == Purpose::tx && !in_transaction) continue;
    const Period* q = period_at(p, t, tx_start);
    const auto k = static_cast<int>(p.purpose);
    if (!q || p.stack_level < level[k]) continue;
    if (p.stack_level == level[k] && p.connector == 0) continue;  // a connector's own profile wins a tie
    level[k] = p.stack_level;
    winner[k] = p.watts ? q->limit / limits.volts : q->limit;
  }
  const auto& max = winner[static_cast<int>(Purpose::charge_point_max)];
  const auto& tx = winner[static_cast<int>(Purpose::tx)] ? winner[static_cast<int>(Purpose::tx)]
                                                           : winner[static_cast<int>(Purpose::tx_default)];
  if (max && tx) return std::min(*max, *tx);
  return max ? max : tx;
}

std::vector<double> ProfileStore::edges(double from, double to, std::optional<double> tx_start) const {
  std::vector<double> out{from};
  auto add = [&](double t) {
    if (t > from && t < to) out.push_back(t);
  };
  for (const auto& p : profiles_) {
    if (p.valid_from) add(*p.valid_from);
    if (p.valid_to) add(*p.valid_to);
    // Recurring schedules repeat; a week holds at most 7 daily repeats (GetCompositeSchedule
    // durations beyond that are answered Rejected by the caller).
    for (int r = -1; r <= 8; ++r) {
      if (p.kind != Kind::recurring && r != 0) continue;
      const double every = p.weekly ? 7 * 86400.0 : 86400.0;
      const double start = schedule_start(p, from, tx_start) + (p.kind == Kind::recurring ? r * every : 0);
      for (const auto& q : p.periods) add(start + q.start);
      if (p.duration) add(start + *p.duration);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ampgate::sim::ocpp
