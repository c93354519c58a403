#pragma once
// The site model's truth: a fuse tree, chargers, cars and household loads as they really
// are over time. Written from the physics and the standards (IEC 61851: a car follows a new
// offer within 5 s), never from the allocator's code: it must not share the allocator's
// picture of the site (see README.md, "Independence").
//
// Time is in ticks of 0.1 s so that refresh intervals, skews and lags add up exactly.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/types.h"

namespace ampgate::site_model {

using Amps3 = std::array<double, 3>;  // per phase (site phases, or charger phases L1..L3)
using Tick = std::int64_t;            // 0.1 s
inline constexpr double tick_s = 0.1;
inline double seconds(Tick t) { return static_cast<double>(t) * tick_s; }

struct MeterSpec {
  Tick refresh = 10;     // the meter publishes a new sample every `refresh` ticks
  Tick offset = 0;       // ... at offset + k * refresh
  Tick read_skew = 0;    // the gateway polls it this long after the start of its period
};

struct CircuitSpec {
  std::string id;
  std::string parent;    // empty for the mains
  double limit = 25;     // per phase, amps: the fuse
  bool metered = false;
  MeterSpec meter;
  Amps3 household{};     // its own non-EV load at t = 0 (negative = PV export)
};

struct CarSpec {
  bool plugged = true;
  int phases = 3;        // what the car's on-board charger uses
  double max = 16;       // the most it ever takes per phase
  double want = 16;      // what it takes now (may be less than offered, later more)
  Tick lag_down = 50;    // follows a lower offer after this (IEC 61851: up to 5 s)
  Tick lag_up = 0;       // follows a higher offer after this
};

struct ChargerSpec {
  std::string id;
  std::string circuit = policies::mains_id;
  int wired_phases = 3;
  std::array<int, 3> phase_map{0, 1, 2};  // charger Li -> site phase index
  double min = 6, max = 16;               // as configured (may be wrong: class 12)
  double hw_max = 32;                     // what the hardware really caps an offer at
  double failsafe = 0;
  double watchdog_timeout = 30;           // seconds
  bool has_watchdog = true;               // false: a silent charger keeps its last offer forever
  bool can_switch_phases = false;
  bool can_pause = true;                  // false: a pause write is refused
  bool offer_readback = false;            // a poll also returns the offer in force
  double power_on = 16;                   // the offer after a reboot (run, wired phases)
  Tick read_skew = 0;                     // polled this long after the start of each period
  int priority = 0;
  policies::Mode mode = policies::Mode::fast;
  CarSpec car;
};

// The offer a charger really has in force (what it tells the car via the pilot signal).
struct Offer {
  double amps = 0;
  int phases = 3;
  bool run = false;
};

// The car's draw on one charger, per charger phase, and the change each phase is about to
// follow: a rise after the car's lag_up, a fall after its lag_down. A mixed change (a 1 <-> 3
// phase switch) therefore rises early and falls late, the worst case for the fuses.
struct CarDraw {
  Amps3 now{};
  Amps3 next{};
  std::array<Tick, 3> next_at{};
  std::array<bool, 3> pending{};
};

struct ChargerTruth {
  Offer offer;
  CarDraw draw;
  bool silent = false;          // answers nothing (polls and writes fail)
  bool fault = false;           // reports fault
  bool fault_draws = false;     // ... while the contactor still lets the car draw
  bool watchdog_armed = true;   // the watchdog is programmed (lost on reboot)
  Tick last_exchange = 0;       // feeds the watchdog
  bool watchdog_expired = false;
  int boots = 0;                // a poll reveals this (uptime / boot counter)
  Tick deviation_at = -1000000; // last change the gateway did not ask for (reboot, ignored write)
  CarSpec car;
};

struct MeterTruth {
  bool silent = false;
  bool nan = false;                // publishes NaN while set
  std::optional<Amps3> published;  // the last sample it published
  Tick published_at = 0;
};

class World {
 public:
  World(std::vector<CircuitSpec> circuits, std::vector<ChargerSpec> chargers);

  const std::vector<CircuitSpec>& circuits() const { return circuits_; }
  const std::vector<ChargerSpec>& chargers() const { return chargers_; }
  int circuit_index(const std::string& id) const;
  int charger_index(const std::string& id) const;

  // Advances one tick: cars follow their offers, watchdogs expire, meters publish.
  void step();
  Tick now() const { return now_; }

  // True current per site phase: one charger, one circuit's own household, a fuse (all below it).
  Amps3 charger_site_draw(int c) const;
  Amps3 fuse_current(int circuit) const;
  Amps3 fuse_household(int circuit) const;
  Amps3 fuse_ev(int circuit) const;
  bool below(int circuit, int ancestor) const { return below_[circuit][ancestor]; }  // or is it
  int charger_circuit(int c) const { return charger_circuit_[c]; }
  // Every fuse at once (the judge asks every tick): household and EV current below each circuit.
  void fuse_currents(std::vector<Amps3>& household, std::vector<Amps3>& ev) const;

  // What a gateway can do. Each returns false when the device did not answer.
  enum class WriteOutcome : std::uint8_t { ok, ignored, failed_applied, failed_not_applied };
  bool write(int c, const policies::Setpoint& s, WriteOutcome outcome);  // false = error reply
  bool exchange(int c);  // a poll or watchdog programming; feeds the watchdog

  // Events.
  ChargerTruth& charger(int c) { return truth_[c]; }
  const ChargerTruth& charger(int c) const { return truth_[c]; }
  MeterTruth& meter(int circuit) { return meters_[circuit]; }
  const MeterTruth& meter(int circuit) const { return meters_[circuit]; }
  Amps3& household(int circuit) { return household_[circuit]; }
  void reboot(int c);
  void set_offer(int c, const Offer& o);  // the charger's own changes (failsafe, reboot)
  void car_changed(int c) { retarget(c); } // after an event changed the car or the fault

 private:
  void retarget(int c);
  Amps3 target_draw(int c) const;

  std::vector<CircuitSpec> circuits_;
  std::vector<ChargerSpec> chargers_;
  std::vector<int> parent_;
  std::vector<std::vector<char>> below_;  // [circuit][ancestor]
  std::vector<int> charger_circuit_;
  std::vector<ChargerTruth> truth_;
  std::vector<MeterTruth> meters_;
  std::vector<Amps3> household_;
  Tick now_ = 0;
};

}  // namespace ampgate::site_model
