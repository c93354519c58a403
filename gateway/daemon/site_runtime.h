#pragma once
// The live objects of one site description: a Bus per configured bus, a driver per
// charger and meter, and what the control loop remembers about each device between
// periods. Built from a validated config::Site; rebuilt whole on a reload.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <asio/io_context.hpp>

#include "drivers/charger.h"
#include "drivers/meter.h"
#include "gateway/bus/bus.h"
#include "gateway/daemon/charger_safety.h"
#include "gateway/daemon/phase_switch.h"
#include "gateway/config.h"
#include "gateway/daemon/setpoint_history.h"
#include "gateway/daemon/user_settings.h"
#include "gateway/links/link.h"
#include "policies/snapshot.h"
#include "policies/types.h"

namespace ampgate::gateway {

using SteadyClock = std::chrono::steady_clock;

struct ChargerRuntime {
  config::Charger cfg;
  std::unique_ptr<drivers::Charger> driver;
  Bus* bus = nullptr;

  // Communication, from the replies of the status polls.
  bool reachable = false;                       // the last status poll answered
  std::optional<SteadyClock::time_point> last_seen;
  // The currents of the good reads of the last 5 s, oldest first, the newest last
  // (policies::ChargerSnapshot::earlier_readings).
  std::deque<policies::Reading> readings;
  bool ever_seen = false;
  int status_failures = 0;                      // consecutive failed reads (one per read, not per request)
  std::uint64_t visits = 0;                     // reads of this charger so far (poller.h)
  std::optional<SteadyClock::time_point> last_visit;
  // A single failed read keeps the last good reading (docs/daemon.md "Noise"): the failed
  // answers wait here instead of emptying the driver's state, until `hold_until`, a
  // setpoint change or the next read, whichever comes first.
  std::vector<std::pair<modbus::Request, modbus::Reply>> held_failures;
  std::optional<SteadyClock::time_point> hold_until;

  // What the gateway has commanded. `commanded` is conservative: after a failed write it
  // holds the larger of the old and the attempted setpoint, since either may be in force.
  policies::Setpoint commanded{0, 3, false};
  bool commanded_known = false;                 // false until a first write was acknowledged
  // Setpoint writes submitted and not yet answered, and the last one's target: what may land
  // after `commanded` (Daemon::shutdown writes the failsafe over it).
  int writes_in_flight = 0;
  policies::Setpoint in_flight_target{0, 3, false};
  // Nothing acknowledged since the start, or a reboot not yet answered: the write plan pauses
  // it before its next setpoint (ChargerInForce::may_be_paused, ChargerSnapshot::paused_first).
  bool paused_first() const { return !commanded_known || safety.must_write; }
  std::string reason;                           // why it has its setpoint (policies::to_string)
  std::optional<SteadyClock::time_point> last_write;  // last acknowledged command (watchdog feed)
  // The setpoints in force over the recent past (ChargerSnapshot::recent_setpoints).
  SetpointHistory setpoints;

  // Set through the API; applied at the next control period; a reload carries it whole.
  UserSettings user;
  // The user's stop was also sent as the driver's end_session() (and acknowledged); a
  // resume_session() goes out once the user starts again. `session_write` is in flight.
  bool session_ended_by_user = false;
  bool session_write = false;
  std::optional<double> session_start;          // policies seconds; set while a session is open

  // Watchdog programming and reboot detection.
  bool programmed = false;                      // timeout and failsafe written and read back
  std::optional<double> last_lifetime_wh;
  std::optional<double> last_session_wh;
  int polls_since_program = 0;
  // Read-back: the settings a charger reports are compared with the site file only from a
  // read made after the programming was acknowledged (some chargers report them with the
  // slow telemetry, so that read includes it). Counted in `visits`.
  bool readback_due = false;
  std::uint64_t settings_valid_from_cycle = 0;

  ChargerSafety safety;                         // the safety rules' bookkeeping (charger_safety.h)
  PhaseSwitchProgress phase_switch;             // a 1 <-> 3 switch in progress (phase_switch.h)
};

struct MeterRuntime {
  config::Meter cfg;
  std::unique_ptr<drivers::Meter> driver;       // null for meters the loop cannot read (see note)
  Bus* bus = nullptr;                           // null for meters read by a link (P1, HomeWizard)
  std::string unsupported;                      // why driver is null; the meter then counts as stale
  bool was_fresh = false;                       // for "meter stale" / "meter back" events
};

class SiteRuntime {
 public:
  // Throws std::runtime_error with a user-facing message when a device cannot be built.
  SiteRuntime(const config::Site& site, asio::io_context& io);
  ~SiteRuntime();  // stops every bus
  SiteRuntime(const SiteRuntime&) = delete;
  SiteRuntime& operator=(const SiteRuntime&) = delete;

  void start();
  void stop();

  const config::Site& site() const { return site_; }
  std::vector<ChargerRuntime>& chargers() { return chargers_; }
  const std::vector<ChargerRuntime>& chargers() const { return chargers_; }
  std::vector<MeterRuntime>& meters() { return meters_; }
  const std::vector<MeterRuntime>& meters() const { return meters_; }
  ChargerRuntime* find_charger(const std::string& id);
  const ChargerRuntime* find_charger(const std::string& id) const;
  MeterRuntime* find_meter(const std::string& id);
  const MeterRuntime* find_meter(const std::string& id) const;
  std::vector<BusStats> bus_stats() const;
  std::size_t queued_writes() const;  // over every bus

  // The hook for deciding on fresh data: `f` runs on the loop thread each time a meter read
  // by a link (P1 serial, P1 over TCP, HomeWizard) has taken a new reading, with the meter's
  // id; its reading() already holds the new values. Set it before start(). Modbus meters
  // do not call it (their replies arrive through the loop's own polls).
  void on_meter_sample(std::function<void(const std::string& meter_id)> f) { on_meter_sample_ = std::move(f); }
  // For a reload, before start(): each link meter takes the last reading of `old`'s meter
  // with the same id and the same port/host, so a reload does not make it stale until its
  // next telegram (with meter_lost_fallback 0 that would pause its chargers for a moment).
  void carry_link_readings(const SiteRuntime& old);

 private:
  config::Site site_;
  std::map<std::string, std::unique_ptr<Bus>> buses_;
  std::vector<ChargerRuntime> chargers_;
  std::vector<MeterRuntime> meters_;
  // Links for devices that are not on a Modbus bus; their deliveries go through post_,
  // which stop() closes.
  links::LoopPost post_;
  std::vector<std::unique_ptr<links::Link>> links_;
  std::function<void(const std::string&)> on_meter_sample_;
};


}  // namespace ampgate::gateway
