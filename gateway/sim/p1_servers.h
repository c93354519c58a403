#pragma once
// The simulator's P1 meters (site meters of model p1_serial, p1_tcp, homewizard_p1), each
// served the way the real device is reached:
//   p1_serial      DSMR 5.0 telegrams once a second on a pseudo-terminal of its own;
//   p1_tcp         the same stream to every client of a loopback TCP port (as ser2net);
//   homewizard_p1  HomeWizard's local API on loopback HTTP (GET /api, GET /api/v1/data).
// Scenario faults on such a meter: silent and reboot (nothing is sent, HTTP answers 503),
// bad_crc (that share of telegrams carries a wrong CRC; HTTP answers a document with a
// string where a number belongs), exception (every telegram damaged / HTTP 500).
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gateway/config.h"
#include "gateway/sim/device.h"

namespace ampgate::sim {

// What one meter shows at this moment, asked for each telegram or request.
struct P1Moment {
  MeterState state;
  bool silent = false;   // sends nothing
  bool damaged = false;  // sends something a reader must reject
};
using P1Moments = std::function<P1Moment(const std::string& meter_id)>;

class P1Servers {
 public:
  static bool serves(const config::Meter& m);
  P1Servers(const config::Site& site, P1Moments moments);
  ~P1Servers();  // stops
  P1Servers(const P1Servers&) = delete;
  P1Servers& operator=(const P1Servers&) = delete;

  bool has(const std::string& meter_id) const;
  // Throws std::runtime_error when a pty or port cannot be opened. `link_dir`: also reach
  // each pty as LINK_DIR/<meter id>; `ephemeral`: any free port instead of the site's.
  void start(const std::string& link_dir, bool ephemeral);
  void stop();  // joins every thread; safe to call twice
  // Points the site file's meters at what is served: `port` of p1_serial meters, `host` and
  // `port` of the others.
  void rewrite(YAML::Node& root) const;
  // Meter id and what is served for it ("P1 serial on /dev/pts/7", ...), once started.
  std::vector<std::pair<std::string, std::string>> endpoints() const;

  struct Server;

 private:
  std::vector<std::unique_ptr<Server>> servers_;
};

}  // namespace ampgate::sim
