#pragma once
// What the control loop keeps per charger for its safety rules (device_rules.h,
// reservation.h, write_plan.h): beyond what was commanded, whether that is certain, since
// when, the recent history, the failsafe actually programmed and whether the watchdog was
// read back. Lives in ChargerRuntime; carried over whole on a reload.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "policies/types.h"
#include "storage/commands.h"

namespace ampgate::gateway {

struct ChargerSafety {
  std::chrono::steady_clock::time_point started{};  // this process's start (restart rule)
  bool commanded_certain = false;   // the last write of `commanded` was acknowledged
  std::chrono::steady_clock::time_point commanded_since{};
  // The acknowledgement that made `commanded` certain (after a start, a failed write or a
  // reboot): the draw check waits the car's follow time from here (device_rules.h).
  std::chrono::steady_clock::time_point certain_since{};
  std::vector<policies::TimedSetpoint> history;     // oldest first (policies seconds)
  // Write the target even when it equals `commanded`: after a restart (restored from the
  // database), a reboot, or a draw above the command.
  bool must_write = true;
  // The map `commanded` was written under, when a reload changed it since.
  std::optional<std::array<policies::Phase, 3>> written_map;
  // After a write whose outcome is unknown: the least it may run (the smaller of the old and
  // the attempted setpoint; `commanded` holds the larger). Cleared by an acknowledged write.
  std::optional<policies::Setpoint> at_least;
  bool watchdog_verified = false;   // timeout and failsafe written and read back
  double failsafe = 0;              // what is programmed (the site's, or lower when they add up)
  std::optional<storage::CommandRecord> persisted;  // the row last written
  std::string refused;              // the driver's last refusal (one event per refusal)
};

}  // namespace ampgate::gateway
