#pragma once
// Keeps a silent device from eating the bus. Every timeout costs a full response timeout
// of bus time; after a few in a row the device is "backed off": its requests are answered
// at once with Outcome::backed_off (its readings are stale), except for one probe per
// interval. The interval grows on each failed probe up to a cap; one answer clears it.
#include <chrono>
#include <cstdint>
#include <map>

#include "drivers/modbus.h"

namespace ampgate::gateway {

struct BackoffPolicy {
  int after_timeouts = 3;  // consecutive timeouts before backing off
  std::chrono::milliseconds first_probe{1000};
  std::chrono::milliseconds max_probe{10'000};
};

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Decision { send, probe, skip };

  explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}

  Decision check(std::uint8_t unit, Clock::time_point now) const;
  void on_outcome(std::uint8_t unit, modbus::Outcome outcome, Clock::time_point now);
  bool backed_off(std::uint8_t unit) const;
  Clock::duration until_probe(std::uint8_t unit, Clock::time_point now) const;

 private:
  struct State {
    int timeouts = 0;
    bool backed_off = false;
    std::chrono::milliseconds interval{0};
    Clock::time_point next_probe{};
  };
  BackoffPolicy policy_;
  std::map<std::uint8_t, State> units_;
};

}  // namespace ampgate::gateway
