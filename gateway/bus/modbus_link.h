#pragma once
// A modbus::Client over libmodbus: one RTU serial port or one TCP connection. Blocking;
// used by exactly one thread at a time (the Bus worker, or a tool such as `ampgate scan`).
#include <chrono>
#include <string>

#include "drivers/modbus.h"
#include "gateway/config.h"

typedef struct _modbus modbus_t;  // NOLINT: libmodbus' own name

namespace ampgate::gateway {

// How long to wait before opening the port / connecting again after a failure. The wait
// doubles on each failure up to `max` so a dead link costs almost nothing.
struct ReconnectPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30'000};
};

class ModbusLink : public modbus::Client {
 public:
  explicit ModbusLink(const config::RtuLink& link, ReconnectPolicy reconnect = {});
  explicit ModbusLink(const config::TcpLink& link, ReconnectPolicy reconnect = {});
  ~ModbusLink() override;
  ModbusLink(const ModbusLink&) = delete;
  ModbusLink& operator=(const ModbusLink&) = delete;

  modbus::Reply execute(const modbus::Request& request) override;

  std::string describe() const { return describe_; }  // "/dev/ttyUSB0 9600 8N1", "10.0.0.5:502"
  bool is_open() const { return open_; }

 private:
  using Clock = std::chrono::steady_clock;
  bool ensure_open(std::string& why);
  void close_link(const std::string& why);
  modbus::Reply transact(const modbus::Request& request);
  modbus::Reply failure(const modbus::Request& request, int err);

  modbus_t* ctx_ = nullptr;
  bool tcp_ = false;
  bool rs485_ = false;
  bool rts_ = false;
  double response_timeout_ = 0.5;
  std::string describe_;
  bool open_ = false;
  ReconnectPolicy reconnect_;
  std::chrono::milliseconds retry_wait_;
  Clock::time_point next_attempt_{};
  std::string last_error_;
  // RTU frames are delimited by silence: keep t3.5 between our frames, since libmodbus
  // sends the next request as soon as the last byte of an answer arrives.
  std::chrono::microseconds frame_gap_{0};
  Clock::time_point last_end_{};
};

}  // namespace ampgate::gateway
