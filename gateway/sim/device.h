#pragma once
// A simulated Modbus device: answers request PDUs from its own model of the registers.
// These models are written from the vendors' facts independently of drivers/, so a driver
// test against the simulator checks the driver against a second reading of the manual.
#include <array>
#include <cstdint>
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
  Pdu serve(const Pdu& request, double now);
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
};

// What a charger allows the car right now.
struct Drive {
  double limit = 0.0;  // amps; 0 = no charging
  int phases = 3;      // phases the charger lets the car use
};

class SimCharger : public SimDevice {
 public:
  explicit SimCharger(const config::Charger& c) : SimDevice(c.id, c.unit), config_(c) {}
  virtual Drive drive(double now) const = 0;
  virtual bool watchdog_expired(double now) const = 0;
  virtual void observe(const ChargerState& state) { state_ = state; }
  const ChargerState& state() const { return state_; }
  const config::Charger& config() const { return config_; }
  // A communication watchdog counts real seconds of silence, not simulated ones: at
  // time_scale 60 one real second between polls must not look like a minute.
  void set_time_scale(double scale) { time_scale_ = scale; }

 protected:
  bool silent_longer_than(double now, double last, double timeout_s) const {
    return timeout_s > 0 && now - last > timeout_s * time_scale_;
  }

  config::Charger config_;
  ChargerState state_;
  double time_scale_ = 1.0;
};

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
std::unique_ptr<SimMeter> make_meter(const config::Meter& m, std::string& error);

}  // namespace ampgate::sim
