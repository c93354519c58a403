#pragma once
// The bus interface as drivers see it: requests they want executed and the replies that
// come back. Drivers never open a port; they are codecs between registers and device
// state. The gateway's Bus (gateway/bus.h) executes requests asynchronously with
// priorities; tests and `ampgate scan` may execute them synchronously through a Client.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ampgate::modbus {

enum class Function : std::uint8_t {
  read_coils = 1,
  read_discrete_inputs = 2,
  read_holding = 3,
  read_input = 4,
  write_single_coil = 5,
  write_single = 6,
  write_multiple = 16,
};

// Lower value = served first. Setpoint writes and meter reads decide how fast the site
// reacts to an overload, so they go before everything else.
enum class Priority : std::uint8_t {
  setpoint = 0,
  meter = 1,
  status = 2,
  telemetry = 3,
};

inline constexpr std::uint16_t max_read_registers = 125;  // Modbus limit for FC3/FC4
inline constexpr std::uint16_t max_write_registers = 123;  // Modbus limit for FC16

struct Request {
  std::uint8_t unit = 1;
  Function function = Function::read_holding;
  std::uint16_t address = 0;   // 0-based wire address, as in the PDU
  std::uint16_t count = 1;     // registers (or coils) to read; ignored for writes
  std::vector<std::uint16_t> values;  // for writes
  Priority priority = Priority::status;
  std::string tag;  // what the driver calls this request, e.g. "status block"; for logs and stats

  bool is_write() const {
    return function == Function::write_single || function == Function::write_multiple ||
           function == Function::write_single_coil;
  }
};

enum class Outcome : std::uint8_t {
  ok,
  timeout,       // no answer within the response timeout
  bad_frame,     // CRC error, framing error, wrong length or wrong unit in the answer
  exception,     // the device answered with a Modbus exception (see exception_code)
  io_error,      // port could not be opened, TCP connection refused or lost
  backed_off,    // not sent: the device is in back-off after repeated timeouts
};

const char* to_string(Outcome o);

struct Reply {
  Outcome outcome = Outcome::timeout;
  std::vector<std::uint16_t> registers;  // for reads: exactly `count` values when ok
  int exception_code = 0;                // for Outcome::exception: 1 illegal function, 2 address, 3 value, ...
  std::string message;                   // human-readable detail for logs
  std::chrono::microseconds latency{0};

  bool ok() const { return outcome == Outcome::ok; }
};

// A synchronous executor. Implemented over libmodbus by the gateway (gateway/modbus_link.h)
// and by fakes in unit tests.
class Client {
 public:
  virtual ~Client() = default;
  virtual Reply execute(const Request& request) = 0;
};

// How a multi-register value is laid out and scaled. Used by data-driven meter tables,
// custom meters and the generic charger from the site file.
enum class ValueType : std::uint8_t { u16, s16, u32, s32, u64, s64, f32, f64 };
enum class WordOrder : std::uint8_t {
  high_first,  // "ABCD": most significant word at the lower address
  low_first,   // "CDAB"
};

struct RegisterSpec {
  Function function = Function::read_holding;
  std::uint16_t address = 0;
  ValueType type = ValueType::u16;
  WordOrder order = WordOrder::high_first;
  double scale = 1.0;  // SI value = raw * scale

  std::uint16_t word_count() const {
    switch (type) {
      case ValueType::u16:
      case ValueType::s16: return 1;
      case ValueType::u32:
      case ValueType::s32:
      case ValueType::f32: return 2;
      case ValueType::u64:
      case ValueType::s64:
      case ValueType::f64: return 4;
    }
    return 1;
  }
};

}  // namespace ampgate::modbus
