#pragma once
// Charging sessions: one row per session, inserted once when it starts and updated in
// place (progress, end), so a crash at any moment neither loses nor duplicates a row.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite.h"
#include "storage/time.h"

namespace ampgate::storage {

enum class StopReason { unplugged, stopped_by_ev, stopped_by_user, fault, gateway_restart };
const char* to_string(StopReason r);  // "stopped_by_ev"
std::optional<StopReason> stop_reason_from_string(std::string_view s);

// counter: energy is the sum of the charger's meter-counter increases since the start.
// integrated: the charger has no counter; the gateway integrates power and adds it.
enum class EnergySource { counter, integrated };
const char* to_string(EnergySource s);

struct Session {
  std::int64_t id = 0;
  std::string charger;
  TimePoint started;
  TimePoint updated;               // last progress written
  std::optional<TimePoint> ended;  // nullopt while open
  double energy_wh = 0;
  EnergySource energy_source = EnergySource::integrated;
  std::optional<double> start_counter_wh;
  std::optional<double> last_counter_wh;
  double peak_current_a = 0;
  int phases = 0;                  // most phases used at any time in the session
  std::string mode;                // the charger's mode ("fast", "solar", ...)
  std::optional<StopReason> stop_reason;
  std::optional<std::string> vehicle_id;  // vehicle / authorization id when the charger reports one
};

struct SessionStart {
  std::string charger;
  TimePoint at;
  std::optional<double> counter_wh;  // the charger's energy counter now; absent = no counter
  int phases = 0;
  std::string mode;
  std::optional<std::string> vehicle_id;
};

// What the daemon saw since the previous progress call for one session.
struct SessionProgress {
  TimePoint at;
  std::optional<double> counter_wh;  // absent: counter not read this time (stale is not zero)
  double integrated_wh = 0;          // energy from integrated power since the previous call
  double current_a = 0;              // highest phase current now (for the peak)
  int phases = 0;                    // phases in use now
  std::optional<std::string> mode;   // when the mode changed
  std::optional<std::string> vehicle_id;  // when the charger reported one
};

// What a charger reports right after a gateway restart, to decide resume or close.
struct ChargerReport {
  std::string charger;
  bool vehicle_connected = false;    // charging, or connected and paused
  std::optional<double> counter_wh;
  std::optional<std::string> vehicle_id;
};

struct ResumeResult {
  std::vector<Session> resumed;
  std::vector<Session> closed;       // closed with reason gateway_restart
};

struct SessionQuery {
  std::optional<TimePoint> from{};     // started >= from
  std::optional<TimePoint> to{};       // started < to
  std::optional<std::string> charger{};
};

class SessionStore {
 public:
  explicit SessionStore(Database& db) : db_(db) {}

  // Inserts the session row. Throws when the charger already has an open session.
  Session start(const SessionStart& s);
  // Adds energy, raises the peak, records phases/mode/vehicle. Returns the updated row.
  Session progress(std::int64_t id, const SessionProgress& p);
  // Several sessions in one transaction (one fsync per control-loop flush, not per charger).
  void progress_all(const std::vector<std::pair<std::int64_t, SessionProgress>>& updates);
  // Applies the final progress and closes the session.
  Session end(std::int64_t id, const SessionProgress& last, StopReason reason);

  // On gateway start: each open session is resumed when its charger still reports the same
  // ongoing charge (vehicle connected, counter not gone back, same vehicle id when both are
  // known); otherwise it is closed with reason gateway_restart at its last progress time
  // (the last moment the gateway knew it was charging). Chargers absent from `reports`
  // did not answer and count as "not the same charge".
  ResumeResult resume_or_close(const std::vector<ChargerReport>& reports);

  std::optional<Session> find(std::int64_t id);
  std::optional<Session> open_session(const std::string& charger);
  std::vector<Session> open_sessions();
  std::vector<Session> list(const SessionQuery& q);

 private:
  Session apply_progress(std::int64_t id, const SessionProgress& p);
  void close(const Session& s, TimePoint at, StopReason reason);
  Session require(std::int64_t id);

  Database& db_;
};

}  // namespace ampgate::storage
