#pragma once
// Which device a bus reads next (pure: no threads, no I/O; docs/buses.md "Poll schedule").
// Meters come first, each at most every `meter_interval`; chargers share the rest of the
// line round-robin (on a line too slow for the meters, a charger gets a turn after each
// interval's worth of meter reads), each at most every `charger_interval` (so a fast TCP link is not read
// in a tight loop; the daemon uses the meter interval for both). One device is read at a time, so a meter read or a setpoint write waits
// for at most one charger's status read, never for a whole round.
#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace ampgate::gateway {

struct PollTarget {
  enum class Kind : unsigned char { meter, charger };
  Kind kind = Kind::charger;
  std::size_t index = 0;  // the caller's index (into its meters or chargers)
  friend bool operator==(const PollTarget&, const PollTarget&) = default;
};

// How often a meter is read: a quarter second (an SDM630 refreshes every 0.5 s, so a new
// sample is read at most 0.25 s after it appears), never less often than the control period.
std::chrono::steady_clock::duration meter_read_interval(double control_period_s);

class PollSchedule {
 public:
  using Clock = std::chrono::steady_clock;
  PollSchedule(Clock::duration meter_interval, Clock::duration charger_interval)
      : meter_interval_(meter_interval), charger_interval_(charger_interval) {}

  void add(PollTarget t);
  bool empty() const { return meters_.empty() && chargers_.empty(); }
  // The device to read now (and it counts as read from `now`), or nullopt and `wake` set to
  // the moment the next one becomes due.
  std::optional<PollTarget> next(Clock::time_point now, Clock::time_point& wake);

 private:
  struct Entry {
    PollTarget target;
    std::optional<Clock::time_point> last;
  };
  Clock::duration meter_interval_;
  Clock::duration charger_interval_;
  std::optional<PollTarget> pick(Clock::time_point now, Clock::time_point& wake);
  std::optional<PollTarget> next_charger(Clock::time_point now);

  std::vector<Entry> meters_;
  std::vector<Entry> chargers_;
  std::size_t cursor_ = 0;  // the charger after the one read last
  std::optional<Clock::time_point> meter_run_;  // start of the current run of meter reads
};

}  // namespace ampgate::gateway
