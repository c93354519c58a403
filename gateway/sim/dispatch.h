#pragma once
// The seam between the bus servers (RTU framing on a pty, MBAP on TCP) and the simulated
// devices: a server hands over each well-formed request and gets back what to send.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "gateway/sim/device.h"

namespace ampgate::sim {

struct Answer {
  enum class Kind : std::uint8_t { none, reply, bad_crc } kind = Kind::none;
  Pdu pdu;
  int delay_ms = 0;  // injected extra delay before the answer
};

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  virtual bool has_unit(const std::string& bus, std::uint8_t unit) const = 0;
  // unit 0 (RTU broadcast) goes to every device on the bus and is never answered.
  virtual Answer answer(const std::string& bus, std::uint8_t unit, const Pdu& request) = 0;
};

// A stop signal that sleeping server threads can wait on, so stop() never waits out an
// injected delay.
class StopSignal {
 public:
  void raise() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    cv_.notify_all();
  }
  void reset() {
    std::lock_guard lock(mutex_);
    stopped_ = false;
  }
  bool raised() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  // Sleeps until `deadline`; false when stopped first.
  bool sleep_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_until(lock, deadline, [this] { return stopped_; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

std::uint16_t modbus_crc(const std::uint8_t* data, std::size_t size);

}  // namespace ampgate::sim
