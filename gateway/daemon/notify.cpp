#include "gateway/daemon/notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace ampgate::gateway {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket && *socket;
  std::uint64_t usec = 0;
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::send(const std::string& state) {
  if (enabled_) sd_notify(0, state.c_str());
}

void SystemdNotifier::ready() { send("READY=1\nSTATUS=controlling the site"); }
void SystemdNotifier::watchdog() { send("WATCHDOG=1"); }
void SystemdNotifier::reloading() { send("RELOADING=1"); }
void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::status(const std::string& text) { send("STATUS=" + text); }

}  // namespace ampgate::gateway
