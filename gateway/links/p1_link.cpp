#include "gateway/links/p1_link.h"

#include <algorithm>
#include <exception>

namespace ampgate::gateway::links {

namespace {

using std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

void restamp(std::optional<drivers::Sample>& s, drivers::Clock::time_point at) {
  if (s) s->at = at;
}

}  // namespace

drivers::Clock::time_point p1_sample_time(drivers::Clock::time_point arrival, system_clock::time_point arrival_wall,
                                          std::optional<system_clock::time_point> meter_time) {
  if (!meter_time) return arrival;
  const auto behind = arrival_wall - *meter_time;  // how old the meter says the values are
  if (behind < -p1_clock_ahead || behind > p1_clock_behind) return arrival;  // one of the clocks is wrong
  if (behind <= system_clock::duration::zero()) return arrival;
  return arrival - std::chrono::duration_cast<drivers::Clock::duration>(behind);
}

drivers::MeterReading stamped(drivers::MeterReading r, drivers::Clock::time_point at) {
  for (int i = 0; i < 3; ++i) {
    restamp(r.current[i], at);
    restamp(r.voltage[i], at);
    restamp(r.power[i], at);
  }
  restamp(r.power_total, at);
  restamp(r.import_energy, at);
  restamp(r.export_energy, at);
  return r;
}

void P1Link::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void P1Link::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
}

void P1Link::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const auto started = SteadyClock::now();
    MeterUpdate u;
    try {
      auto r = source_->read(timing_.read_timeout);
      if (r.telegram) {
        // The source stamps values when it parsed them: that is the arrival.
        const auto arrival = r.telegram->reading.updated().value_or(drivers::Clock::now());
        const auto wall = system_clock::now() - std::chrono::duration_cast<system_clock::duration>(
                                                    drivers::Clock::now() - arrival);
        u.reading = stamped(std::move(r.telegram->reading), p1_sample_time(arrival, wall, r.telegram->meter_time));
      }
      u.good = source_->counters().good;
      u.bad = source_->counters().bad + thrown_;
      u.last_error = r.telegram ? std::string{} : r.error;
    } catch (const std::exception& e) {
      // No source should throw; if one does, it is this device's failure, never the process's.
      u.good = source_->counters().good;
      u.bad = source_->counters().bad + ++thrown_;
      u.last_error = describe() + ": " + e.what();
    }
    const bool ok = u.reading.has_value();
    sink_(std::move(u));
    auto pause = timing_.min_period;
    if (!ok) pause = std::max(pause, timing_.retry_wait);
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, stop, started + pause, [] { return false; });
  }
}

}  // namespace ampgate::gateway::links
