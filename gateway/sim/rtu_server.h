#pragma once
// Modbus RTU on a pseudo-terminal pair the simulator creates itself: the gateway opens the
// slave side exactly like /dev/ttyUSB0. Several unit ids share the line; requests for units
// that are not on this bus are ignored, as real devices do.
#include <atomic>
#include <string>
#include <thread>

#include "gateway/config.h"
#include "gateway/sim/dispatch.h"

namespace ampgate::sim {

struct WireTiming {
  bool enabled = false;
  double turnaround_ms = 0.0;
};

// Seconds a frame exchange of `request_bytes` + `response_bytes` occupies the line: both
// frames at the link's character size, one t3.5 gap and the device's turnaround.
double wire_seconds(const config::RtuLink& link, std::size_t request_bytes, std::size_t response_bytes,
                    double turnaround_ms);
double t35_seconds(const config::RtuLink& link);
int bits_per_char(const config::RtuLink& link);

class RtuServer {
 public:
  RtuServer(std::string bus_id, config::RtuLink link, Dispatcher& dispatcher, WireTiming timing);
  ~RtuServer();
  // Opens the pty pair (throws std::runtime_error on failure) and starts serving.
  void start(const std::string& link_dir);
  void stop();
  const std::string& path() const { return link_path_.empty() ? slave_path_ : link_path_; }
  const std::string& slave_path() const { return slave_path_; }

 private:
  void run();
  // Length of the request frame at the front of `buf`, 0 when not known yet, -1 when the
  // function code is one the framing does not know.
  static long expected_length(const std::string& buf);
  void handle(const std::string& frame, std::chrono::steady_clock::time_point arrived);

  std::string bus_id_;
  config::RtuLink link_;
  Dispatcher& dispatcher_;
  WireTiming timing_;
  int master_ = -1;
  int slave_ = -1;  // kept open so the line never hangs up between gateway sessions
  std::string slave_path_;
  std::string link_path_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace ampgate::sim
