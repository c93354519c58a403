#pragma once
// A P1 meter read by its own thread: a raw serial port, a TCP bridge (ser2net) or a
// HomeWizard's HTTP API, through a drivers::p1::P1Source. Each good telegram becomes a
// MeterUpdate whose values are stamped with the time they hold (p1_sample_time); bad
// telegrams and failed reads only move the counters. Nothing of a rejected telegram is used.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "drivers/p1/source.h"
#include "gateway/links/link.h"
#include "gateway/links/link_meter.h"

namespace ampgate::gateway::links {

struct P1LinkTiming {
  std::chrono::milliseconds read_timeout{1000};  // longest one read blocks (bounds stop())
  std::chrono::milliseconds min_period{0};       // HTTP pollers: at most one request per period
  std::chrono::milliseconds retry_wait{1000};    // after a failed read, before the next try
};

class P1Link final : public Link {
 public:
  using Sink = std::function<void(MeterUpdate)>;  // called on the link's thread
  P1Link(std::unique_ptr<drivers::p1::P1Source> source, P1LinkTiming timing, Sink sink)
      : source_(std::move(source)), timing_(timing), sink_(std::move(sink)) {}
  ~P1Link() override { stop(); }

  void start() override;
  void stop() override;
  std::string describe() const override { return source_->describe(); }

 private:
  void run(std::stop_token stop);
  std::unique_ptr<drivers::p1::P1Source> source_;
  P1LinkTiming timing_;
  Sink sink_;
  std::uint64_t thrown_ = 0;  // reads that threw (counted as bad; the source cannot count them)
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

// The time a telegram's values hold. Its own timestamp (0-0:1.0.0) when it carries one and
// the two clocks agree within reason (the meter's is no more than `ahead` in the future and
// no more than `behind` in the past of the gateway's); otherwise the arrival time. Never
// later than the arrival: a buffered telegram may look older than it is, never fresher.
inline constexpr std::chrono::seconds p1_clock_ahead{5};
inline constexpr std::chrono::seconds p1_clock_behind{60};
drivers::Clock::time_point p1_sample_time(drivers::Clock::time_point arrival,
                                          std::chrono::system_clock::time_point arrival_wall,
                                          std::optional<std::chrono::system_clock::time_point> meter_time);

// Every value of `r` re-stamped with `at`.
drivers::MeterReading stamped(drivers::MeterReading r, drivers::Clock::time_point at);

}  // namespace ampgate::gateway::links
