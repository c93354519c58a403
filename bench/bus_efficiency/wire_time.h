#pragma once
// The least time a set of RTU transactions can take on the wire, from frame sizes alone:
// every byte costs one character time, every frame is followed by t3.5 of silence, and a
// device takes `turnaround` between hearing a request and starting to answer.
#include <chrono>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::bench {

struct LineFormat {
  int baud = 9600;
  int bits_per_char = 11;  // start + 8 data + parity + stop (or two stops without parity)
  double turnaround_ms = 0.0;
};

int request_bytes(const modbus::Request& r);
int response_bytes(const modbus::Request& r);
double char_ms(const LineFormat& line);
double t35_ms(const LineFormat& line);  // 1.75 ms fixed above 19200 baud
double lower_bound_ms(const std::vector<modbus::Request>& cycle, const LineFormat& line);

}  // namespace ampgate::bench
