#include "bench/bus_efficiency/wire_time.h"

namespace ampgate::bench {

using modbus::Function;

// RTU frame = unit (1) + PDU + CRC (2).
int request_bytes(const modbus::Request& r) {
  if (r.function == Function::write_multiple) return 1 + 6 + 2 * static_cast<int>(r.values.size()) + 2;
  return 1 + 5 + 2;  // function, address, count or value
}

int response_bytes(const modbus::Request& r) {
  switch (r.function) {
    case Function::read_holding:
    case Function::read_input: return 1 + 2 + 2 * r.count + 2;
    case Function::read_coils:
    case Function::read_discrete_inputs: return 1 + 2 + (r.count + 7) / 8 + 2;
    default: return 1 + 5 + 2;  // writes echo function, address and value/count
  }
}

double char_ms(const LineFormat& line) { return 1000.0 * line.bits_per_char / line.baud; }

double t35_ms(const LineFormat& line) { return line.baud > 19200 ? 1.75 : 3.5 * char_ms(line); }

double lower_bound_ms(const std::vector<modbus::Request>& cycle, const LineFormat& line) {
  double total = 0.0;
  for (const auto& r : cycle)
    total += (request_bytes(r) + response_bytes(r)) * char_ms(line) + 2 * t35_ms(line) + line.turnaround_ms;
  return total;
}

}  // namespace ampgate::bench
