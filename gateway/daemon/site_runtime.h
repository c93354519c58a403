#pragma once
// The live objects of one site description: a Bus per configured bus, a driver per
// charger and meter, and what the control loop remembers about each device between
// periods. Built from a validated config::Site; rebuilt whole on a reload.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>

#include "drivers/charger.h"
#include "drivers/meter.h"
#include "gateway/bus/bus.h"
#include "gateway/config.h"
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
  bool ever_seen = false;
  int status_failures = 0;                      // consecutive failed status replies

  // What the gateway has commanded. `commanded` is conservative: after a failed write it
  // holds the larger of the old and the attempted setpoint, since either may be in force.
  policies::Setpoint commanded{0, 3, false};
  bool commanded_known = false;                 // false until a first write was acknowledged
  std::string reason;                           // why it has its setpoint (policies::to_string)
  std::optional<SteadyClock::time_point> last_write;  // last acknowledged command (watchdog feed)

  // Set through the API; applied at the next control period.
  policies::Mode mode = policies::Mode::fast;
  config::ModeSettings mode_settings;
  std::optional<double> user_limit;
  bool user_stopped = false;                    // the user pressed stop in this session
  std::optional<double> session_start;          // policies seconds; set while a session is open

  // Watchdog programming and reboot detection.
  bool programmed = false;                      // timeout and failsafe written and read back
  std::optional<double> last_lifetime_wh;
  std::optional<double> last_session_wh;
  int polls_since_program = 0;
  // Read-back: the settings a charger reports are compared with the site file only from a
  // period whose poll was made after the programming was acknowledged (some chargers report
  // them with the slow telemetry, so that poll includes it).
  bool readback_due = false;
  std::uint64_t settings_valid_from_cycle = 0;
};

struct MeterRuntime {
  config::Meter cfg;
  std::unique_ptr<drivers::Meter> driver;       // null for meters the loop cannot read (see note)
  Bus* bus = nullptr;
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
  MeterRuntime* find_meter(const std::string& id);
  const MeterRuntime* find_meter(const std::string& id) const;
  std::vector<BusStats> bus_stats() const;

 private:
  config::Site site_;
  std::map<std::string, std::unique_ptr<Bus>> buses_;
  std::vector<ChargerRuntime> chargers_;
  std::vector<MeterRuntime> meters_;
};

policies::Mode to_policy(config::Mode m);

}  // namespace ampgate::gateway
