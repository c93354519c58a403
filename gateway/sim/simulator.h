#pragma once
// The simulated site: serves the devices of a site description as Modbus servers (RTU on
// pseudo-terminals it creates itself, TCP on loopback) and runs an electrical model of
// household load, solar and EVs behind them, so the real gateway runs with no hardware.
//
//   sim::Simulator simulator(site, scenario);
//   simulator.start();                       // throws std::runtime_error if a port cannot be opened
//   open(simulator.rtu_path("rs485"));        // like /dev/ttyUSB0
//   ... simulator.fuse_log_json() ...
//   simulator.stop();
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/config.h"
#include "gateway/sim/fuse_log.h"
#include "gateway/sim/scenario.h"

namespace ampgate::sim {

struct Options {
  // Serve TCP buses on a free port chosen by the system instead of the site file's port
  // (tests run in parallel; read the port back with tcp_port()).
  bool tcp_ephemeral = false;
  // When set, each RTU bus's pty is also reachable as LINK_DIR/<bus id> (a symlink).
  std::string link_dir;
};

// What a test can see of one charger from outside the wire.
struct ChargerView {
  bool plugged = false;
  bool charging = false;
  bool watchdog_expired = false;    // the device fell back to its failsafe current
  double effective_limit = 0.0;     // amps the charger allows the car right now
  std::array<double, 3> amps{0, 0, 0};  // actual current on the charger's L1/L2/L3
  double session_kwh = 0.0;
  std::uint64_t requests = 0;       // valid requests answered so far
  double offered = 0.0;             // what the car follows now (an offer seconds old: its lag)
  std::uint64_t sessions_started = 0;   // cars plugged in so far
  std::uint64_t sessions_ended = 0;     // sessions the charger ended with the car still plugged in
  bool session_open = false;            // a session runs (car plugged in, not ended by the charger)
};

class Simulator {
 public:
  Simulator(const config::Site& site, Scenario scenario, Options options = {});
  ~Simulator();  // stops
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void start();
  void stop();  // joins all threads; safe to call twice

  std::string rtu_path(const std::string& bus_id) const;  // pty slave (or its link), e.g. /dev/pts/7
  int tcp_port(const std::string& bus_id) const;          // actual listening port on 127.0.0.1
  // Meters not on a bus: meter id and what is served ("P1 serial on /dev/pts/7", "P1 over
  // TCP on 127.0.0.1:40001", "HomeWizard P1 on http://127.0.0.1:40002/api/v1/data").
  std::vector<std::pair<std::string, std::string>> p1_endpoints() const;
  FuseLog fuse_log() const;
  nlohmann::json fuse_log_json() const;

  // Simulated seconds since start.
  double now() const;
  // Jumps the simulated clock forward (for tests); the model integrates over the jump in
  // steps no longer than one tick of simulated time.
  void advance(double seconds);

  // Reads a holding (or for meters, input) register the way a client would, without
  // counting as communication (the watchdog does not see it). nullopt when the device
  // does not have it.
  std::optional<std::uint16_t> read_register(const std::string& device_id, std::uint16_t address,
                                             bool input = false) const;
  std::optional<ChargerView> charger(const std::string& charger_id) const;
  // Every charger's view and every circuit's current, for GET /state.
  nlohmann::json state_json() const;
  // Current per site phase through a circuit ("mains" included), signed: import positive.
  std::optional<std::array<double, 3>> circuit_current(const std::string& circuit_id) const;

  // The site file rewritten so that every RTU bus port points at its pty (or link) and every
  // TCP bus at 127.0.0.1:<actual port>: the file the gateway runs against.
  std::string rewrite_site_yaml(const std::string& original_yaml) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ampgate::sim
