#pragma once
// Charging profiles of an OCPP 1.6 charge point (specification §3.13 Smart Charging, §7.8
// ChargingProfile), as the EVNET keeps them: installed, stacked, and merged into the one
// limit it offers the car. Pure: times are unix seconds passed in.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ampgate::sim::ocpp {

// ISO 8601 "2026-12-02T00:45:00Z" (fraction and ±hh:mm offset accepted) <-> unix seconds.
std::optional<double> parse_time(const std::string& text);
std::string format_time(double unix_seconds);

enum class Purpose : unsigned char { charge_point_max, tx_default, tx };
enum class Kind : unsigned char { absolute, recurring, relative };

struct Period {
  double start = 0;  // seconds from the schedule's start
  double limit = 0;  // in the schedule's unit
  int phases = 0;    // numberPhases, 0 = not given
};

struct Profile {
  int id = 0;
  int connector = 0;
  std::optional<int> transaction;
  int stack_level = 0;
  Purpose purpose = Purpose::tx_default;
  Kind kind = Kind::absolute;
  bool weekly = false;                 // recurring: Weekly, else Daily
  std::optional<double> valid_from, valid_to, start_schedule, duration;
  bool watts = false;                  // chargingRateUnit W, else A
  std::vector<Period> periods;
};

// What the charge point accepts (its configuration keys and its wiring).
struct Limits {
  int max_stack_level = 100;    // ChargeProfileMaxStackLevel
  int max_periods = 60;         // ChargingScheduleMaxPeriods
  int max_installed = 10;       // MaxChargingProfilesInstalled
  bool amps = true, watts = true;  // ChargingScheduleAllowedChargingRateUnit
  bool three_phase = true;      // numberPhases 3 accepted (and used on its one phase)
  double volts = 230.0;         // converts a W limit on its single phase to amps
};

// A payload that breaks the message schema (a value outside an enumeration, a date that
// is not one); like nlohmann::json::exception (wrong type, missing field) it is answered
// with a CALLERROR FormationViolation.
struct BadPayload : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads csChargingProfiles; throws BadPayload or nlohmann::json::exception (see above).
// Whether the profile is acceptable is ProfileStore::install's question.
Profile read_profile(const nlohmann::json& j, int connector);
Purpose read_purpose(const std::string& word);  // throws BadPayload

class ProfileStore {
 public:
  // Accepted, or the reason it is Rejected. `transaction` is the running transaction's id.
  std::string install(const Profile& p, const Limits& limits, std::optional<int> transaction);
  // ClearChargingProfile: removes the matching ones; false when none matched (Unknown).
  bool clear(std::optional<int> id, std::optional<int> connector, std::optional<Purpose> purpose,
             std::optional<int> stack_level);
  void end_transaction();  // TxProfiles live as long as their transaction
  // The limit in amps at `t` for connector 1, nullopt when no profile is in force.
  // `tx_start`: when the running transaction started (relative schedules count from it).
  std::optional<double> limit_at(double t, std::optional<double> tx_start, bool in_transaction,
                                 const Limits& limits) const;
  // Times in [from, to) where limit_at may change (period starts, validity edges).
  std::vector<double> edges(double from, double to, std::optional<double> tx_start) const;
  std::size_t size() const { return profiles_.size(); }

 private:
  std::vector<Profile> profiles_;
};

}  // namespace ampgate::sim::ocpp
