#pragma once
// systemd's notify protocol (sd_notify via libsystemd). Without NOTIFY_SOCKET (not started by
// systemd) every call is a no-op, so the daemon runs the same by hand and under systemd.
#include <chrono>
#include <optional>
#include <string>

namespace ampgate::gateway {

class SystemdNotifier {
 public:
  SystemdNotifier();
  bool enabled() const { return enabled_; }
  // WatchdogSec from the unit (WATCHDOG_USEC), when systemd asks for pings.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }
  void ready();
  void watchdog();     // call only after a control period really ran
  void reloading();
  void stopping();
  void status(const std::string& text);

 private:
  void send(const std::string& state);
  bool enabled_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace ampgate::gateway
