#pragma once
// What every driver (charger or meter) is to the gateway: a codec that says which reads it
// wants each cycle and decodes the replies into its state. Execution, priorities and
// retries belong to the bus; a driver never blocks and never opens a port.
#include <chrono>
#include <string>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::drivers {

using Clock = std::chrono::steady_clock;

// How much to read: `fast` is what the control loop needs every period (meter currents,
// charger state and currents); `slow` adds telemetry (serial numbers, lifetime energy,
// temperatures) read every few periods.
enum class PollLevel { fast, slow };

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string model() const = 0;
  virtual std::vector<modbus::Request> poll(PollLevel level) const = 0;
  // Called with each executed request and its reply. A failed reply must make the affected
  // values stale (never zero); decoding must reject replies of the wrong length.
  virtual void on_reply(const modbus::Request& request, const modbus::Reply& reply, Clock::time_point now) = 0;
  // The most registers one read may span. The bus merges contiguous reads up to this size;
  // a device that must be read value by value (KEBA) says so here.
  virtual std::uint16_t max_read_registers() const { return modbus::max_read_registers; }
};

// Runs requests one by one on a synchronous client and feeds each reply back; for tests,
// `ampgate scan` and one-shot tools.
inline void execute_all(modbus::Client& client, Device& device, const std::vector<modbus::Request>& requests) {
  for (const auto& r : requests) device.on_reply(r, client.execute(r), Clock::now());
}

}  // namespace ampgate::drivers
