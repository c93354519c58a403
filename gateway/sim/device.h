#pragma once
// A simulated Modbus device: answers request PDUs from its own model of the registers.
// These models are written from the vendors' facts independently of drivers/, so a driver
// test against the simulator checks the driver against a second reading of the manual.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config.h"

namespace ampgate::sim {

// Modbus exception codes the models answer with.
inline constexpr std::uint8_t ex_illegal_function = 1;
inline constexpr std::uint8_t ex_illegal_address = 2;
inline constexpr std::uint8_t ex_illegal_value = 3;
inline constexpr std::uint8_t ex_device_failure = 4;

using Pdu = std::vector<std::uint8_t>;  // function code first, no address, no CRC

// An exception response PDU.
Pdu exception_pdu(std::uint8_t function, std::uint8_t code);

class SimDevice {
 public:
  SimDevice(std::string id, std::uint8_t unit) : id_(std::move(id)), unit_(unit) {}
  virtual ~SimDevice() = default;
  const std::string& id() const { return id_; }
  std::uint8_t unit() const { return unit_; }
  virtual std::string model() const = 0;

  // Serves one request (FC 3, 4, 6, 16) and returns the answer, possibly an exception.
  // Never throws: a malformed request, or a model fault on a strange one, is answered with
  // an exception PDU (4, device failure, for a fault of the model itself), so one bad
  // request can never take the simulator down. With `apply_writes` false a well-formed
  // write is acknowledged but changes nothing (a charger that ignores its master).
  Pdu serve(const Pdu& request, double now, bool apply_writes = true);
  std::uint64_t requests() const { return requests_; }

  // Power-on at simulated time `now` (a `reboot` fault makes a fresh device and calls
  // this): a communication watchdog counts from power-on, and clocks such as a status
  // time restart.
  void booted(double now) {
    boot_time_ = now;
    on_valid_request(true, now);
  }

  // Register access without counting as communication (tests, presets).
  // Returns 0 or an exception code.
  virtual std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                            std::vector<std::uint16_t>& out) const = 0;
  virtual std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values,
                             double now) = 0;

 protected:
  // Function codes the device knows; others are answered with exception 1.
  virtual bool supports(std::uint8_t function) const {
    (void)function;
    return true;
  }
  // A request the device accepted (read or write); watchdogs are fed here.
  virtual void on_valid_request(bool is_write, double now) {
    (void)is_write;
    (void)now;
  }
  double boot_time() const { return boot_time_; }

 private:
  std::string id_;
  std::uint8_t unit_;
  std::uint64_t requests_ = 0;
  double boot_time_ = 0.0;
};

// What the electrical model tells a charger about its car and its own measurements.
struct ChargerState {
  double time = 0.0;                 // simulated seconds of this state
  bool plugged = false;
  bool charging = false;             // current flowing
  bool finished = false;             // car is full
  std::array<double, 3> amps{0, 0, 0};  // on the charger's own L1/L2/L3
  double voltage = 230.0;
  double power_w = 0.0;
  double session_kwh = 0.0;
  double total_kwh = 0.0;
  double session_seconds = 0.0;
  double plugged_seconds = 0.0;      // time in the current plug state
  std::uint64_t plug_ins = 0;        // cars plugged in so far (each one a new plug-in)
  double offered = 0.0;              // what the car is following now (after its lag)
};

// What a charger allows the car right now.
struct Drive {
  double limit = 0.0;  // amps; 0 = no charging
  int phases = 3;      // phases the charger lets the car use
  std::uint8_t lines = 0b111;  // which of the charger's own L1/L2/L3 carry them (bit 0 = L1)
};

// Readings of a model where the vendor's own tables leave a choice (scenario `settings`,
// docs/simulator.md): key -> value, checked by the model when it is made.
using ModelSettings = std::map<std::string, std::string>;

// What a test can see of the sessions at one charger.
struct SessionCount {
  std::uint64_t started = 0;           // sessions begun (a car plugged in)
  std::uint64_t ended_by_charger = 0;  // ended by the charger while the car stayed plugged in
  bool open = false;                   // a session is running (car plugged, not ended)
};

class SimCharger : public SimDevice {
 public:
  explicit SimCharger(const config::Charger& c) : SimDevice(c.id, c.unit), config_(c) {}
  // What the charger lets the car draw: its own allowance, and nothing once it has ended
  // the session (the car must be plugged in again).
  Drive drive(double now) const {
    if (state_.plugged && !sessions_.open) return {0.0, 0, 0};
    return allowance(now);
  }
  virtual bool watchdog_expired(double now) const = 0;
  // Takes the electrical model's view; a new plug-in starts a session.
  void observe(const ChargerState& state);
  const ChargerState& state() const { return state_; }
  const config::Charger& config() const { return config_; }
  const SessionCount& sessions() const { return sessions_; }
  // A rebooted charger keeps the car and its session (the car stays plugged in).
  void carry_over(const SimCharger& before) {
    state_ = before.state_;
    sessions_ = before.sessions_;
    seen_plug_ins_ = before.seen_plug_ins_;
  }
  // A communication watchdog counts real seconds of silence, not simulated ones: at
  // time_scale 60 one real second between polls must not look like a minute.
  void set_time_scale(double scale) { time_scale_ = scale; }
  // A charger with a network link of its own (OCPP) starts and stops it with the simulator.
  virtual void go_online() {}
  virtual void go_offline() {}

 protected:
  virtual Drive allowance(double now) const = 0;
  // A session began (plug-in) or ends with the car unplugged: per-session registers reset.
  virtual void on_session_start() {}
  virtual void on_unplugged() {}
  // After every model step, with state() fresh (a charger with its own clock acts here).
  virtual void on_observed() {}
  // The charger itself ends the running session (e.g. a stop request that ends it): the
  // car stays plugged in and gets nothing until it is plugged in again.
  void end_session() {
    if (!sessions_.open) return;
    sessions_.open = false;
    ++sessions_.ended_by_charger;
  }
  bool silent_longer_than(double now, double last, double timeout_s) const {
    return timeout_s > 0 && now - last > timeout_s * time_scale_;
  }

  config::Charger config_;
  ChargerState state_;
  double time_scale_ = 1.0;

 private:
  SessionCount sessions_;
  std::uint64_t seen_plug_ins_ = 0;
};

// Reads a setting that must be one of `allowed` (the first is the default); on a value not
// allowed, sets `error` and returns the default.
std::string setting(const ModelSettings& s, const std::string& key, std::initializer_list<const char*> allowed,
                    std::string& error);
// Every key of `s` is one of `known`, else `error` names the first one that is not.
void check_setting_keys(const ModelSettings& s, const std::string& model, std::initializer_list<const char*> known,
                        std::string& error);

// What the electrical model tells a meter; currents and powers signed, import positive,
// in the meter's own orientation (an inverted meter already sees them flipped).
struct MeterState {
  double time = 0.0;                 // simulated seconds of this state
  std::array<double, 3> amps{0, 0, 0};
  std::array<double, 3> voltage{230, 230, 230};
  std::array<double, 3> power_w{0, 0, 0};
  std::array<double, 3> import_kwh{0, 0, 0};
  std::array<double, 3> export_kwh{0, 0, 0};
  double frequency = 50.0;
  double unix_time = 0.0;
};

class SimMeter : public SimDevice {
 public:
  explicit SimMeter(const config::Meter& m) : SimDevice(m.id, m.unit), config_(m) {}
  void observe(const MeterState& state) { state_ = state; }
  const config::Meter& config() const { return config_; }

 protected:
  config::Meter config_;
  MeterState state_;
};

// The model for a site device, or nullptr with `error` set when the model is not simulated.
std::unique_ptr<SimCharger> make_charger(const config::Charger& c, std::string& error);
std::unique_ptr<SimCharger> make_charger(const config::Charger& c, const ModelSettings& settings, std::string& error);
std::unique_ptr<SimMeter> make_meter(const config::Meter& m, std::string& error);

}  // namespace ampgate::sim
