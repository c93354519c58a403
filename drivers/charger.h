#pragma once
// The Charger interface: what the control loop may ask of any EV charger, whatever its
// register map. A driver is a codec (see device.h): commands return the Modbus requests to
// execute, they never talk to the bus themselves. What a charger can do is asked through
// capabilities(), never inferred from its model name.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/device.h"
#include "drivers/modbus.h"

namespace ampgate::drivers {

// IEC 61851 control-pilot state. `unknown` until a status read succeeds, and again after one
// fails: a silent charger is never assumed to be idle.
enum class IecState : std::uint8_t { A, B, C, D, E, F, unknown };
const char* to_string(IecState s);  // "A".."F", "unknown"

struct Capabilities {
  double min_current = 6.0;   // A per phase; the lowest setpoint the charger accepts
  double max_current = 16.0;  // A per phase; min(installer setting, what the device reports)
  int phases = 3;             // wired phases
  bool can_switch_phases = false;           // set_phases() does something (see plan_phase_switch())
  // stop() executes a pause: the charger stops offering current. Whether the session
  // survives it is per model (docs/chargers.md). A charger that cannot pause is never
  // counted as paused by the gateway.
  bool can_pause = true;
  bool can_end_session = false;             // end_session()/resume_session() do something
  bool has_watchdog = false;                // stops or falls back on its own when the gateway goes quiet
  bool watchdog_programmable = false;       // program_watchdog() can set timeout and failsafe
  // A watchdog the gateway cannot program: its timeout (s) and what the charger then does
  // (failsafe_current). Empty when the watchdog is programmable or absent.
  std::optional<double> fixed_watchdog_timeout;
  std::optional<double> failsafe_current;   // A, as last read back from the device (if it reports it)
  std::optional<double> watchdog_timeout;   // s, as last read back (a reboot resets it to the default)
  bool authorization = false;               // authorize() does something
  bool socket_lock = false;                 // set_socket_lock() does something
};

// What the charger last told us. Every value is optional: empty when the device does not
// report it or when its last read failed (stale is not zero). Signs: current and power drawn
// by the vehicle are positive.
struct ChargerState {
  IecState iec = IecState::unknown;
  std::optional<bool> charging;
  std::array<std::optional<double>, 3> current{};  // A, per charger phase L1..L3
  std::array<std::optional<double>, 3> voltage{};  // V
  std::optional<double> power;                     // W
  std::optional<double> session_energy;            // Wh
  std::optional<double> lifetime_energy;           // Wh
  std::optional<double> temperature;               // °C
  std::optional<double> current_limit;             // A the charger currently applies or was last told
  std::optional<int> active_phases;                // 1 or 3 as the charger reports its phase choice

  std::string vendor_state;             // the device's own state name, e.g. "B2: waiting, not enough power"
  std::vector<std::string> warnings;    // named flags
  std::vector<std::string> errors;      // named flags; non-empty means the charger reports a fault
  std::optional<std::string> limit_cause;  // why the charger limits its current (TeltoCharge table f)
  std::map<std::string, std::string> info;  // identity: serial, firmware, product code, ...

  // Last time each value group (a request tag) was read successfully. A group that never
  // answered has no entry.
  std::map<std::string, Clock::time_point> last_good;
  std::optional<Clock::duration> age(const std::string& group, Clock::time_point now) const {
    auto it = last_good.find(group);
    if (it == last_good.end()) return std::nullopt;
    return now - it->second;
  }
};

// The answer to a command: the requests to execute in order, or why it cannot be done.
// A command a charger cannot do is an error with a message, never an empty success.
struct CommandResult {
  std::vector<modbus::Request> requests;
  std::string error;

  bool ok() const { return error.empty(); }
  static CommandResult fail(std::string message) { return {{}, std::move(message)}; }
};

enum class SocketLock : std::uint8_t { automatic, always_locked, unlock };

class Charger : public Device {
 public:
  virtual Capabilities capabilities() const = 0;
  virtual const ChargerState& state() const = 0;

  // Amperes per phase within [min_current, max_current]; anything else is refused, never
  // clamped (to pause, use stop()).
  virtual CommandResult set_current(double amps) = 0;
  virtual CommandResult set_phases(int phases) = 0;  // 1 or 3
  // Pause and resume. stop() pauses without ending the session (a charger that cannot has
  // can_pause == false and refuses); start() allows charging again after stop(), at the
  // current last given to set_current().
  virtual CommandResult start() = 0;
  virtual CommandResult stop() = 0;
  // A user's explicit stop that ends the session, and a start after such a stop. Only for a
  // user's command; the control loop pauses with stop().
  virtual CommandResult end_session() { return CommandResult::fail(model() + " cannot end a session on command"); }
  virtual CommandResult resume_session() { return CommandResult::fail(model() + " cannot start a session on command"); }
  virtual CommandResult authorize() = 0;
  // Timeout in seconds after which the charger falls back to `failsafe_a` amperes (0 = stop).
  virtual CommandResult program_watchdog(double timeout_s, double failsafe_a) = 0;
  // Whatever keeps the charger's watchdog from expiring; sent every period by the gateway.
  virtual CommandResult keep_alive() = 0;
  virtual CommandResult set_socket_lock(SocketLock) { return CommandResult::fail(model() + " has no socket lock control"); }
};

// A phase switch as the safe sequence: pause, wait until the car has stopped drawing (at
// least `settle`, and until the charger's currents read near zero), switch, resume at
// `resume_amps`. The caller runs the steps in order and never overlaps them; a step that
// fails stops the sequence with the charger paused.
struct PhaseSwitchPlan {
  std::vector<modbus::Request> pause;
  Clock::duration settle{};
  std::vector<modbus::Request> switch_phases;
  std::vector<modbus::Request> resume;
  std::string error;  // set when the charger cannot switch (nothing to run then)
  bool ok() const { return error.empty(); }
};
// IEC 61851 gives a vehicle up to 5 s to follow a lower offer.
inline constexpr std::chrono::seconds phase_switch_settle{5};
PhaseSwitchPlan plan_phase_switch(Charger& charger, int phases, double resume_amps);

// What the gateway tells the factory about one charger (mapped from config::Charger, so
// that drivers do not depend on gateway/).
struct ChargerSettings {
  std::string model;  // teltocharge, keba_p30, vestel_evc04, smartevse, generic
  std::uint8_t unit = 1;
  double min_current = 6.0;
  double max_current = 16.0;
  double failsafe_current = 0.0;
  double watchdog_timeout = 30.0;
  int phases = 3;
  // model == "generic": keys current_setpoint, enable, status, current_l1..3, power, energy,
  // watchdog_timeout, failsafe_current.
  std::map<std::string, modbus::RegisterSpec> generic;
  // model == "generic": current_setpoint takes 0 A, which pauses (the way to pause when
  // there is no enable register).
  bool generic_zero_pauses = false;
  // model == "generic": raw status value -> IEC state. Empty: the raw value is shown only.
  std::map<std::int64_t, IecState> generic_status;
};

struct MakeChargerResult {
  std::unique_ptr<Charger> charger;
  std::string error;  // set when charger is null
};

// The one place model names become driver classes.
MakeChargerResult make_charger(const ChargerSettings& settings);
const std::vector<std::string>& charger_models();

}  // namespace ampgate::drivers
