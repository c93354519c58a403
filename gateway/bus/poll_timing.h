#pragma once
// How long a serial bus needs for its reads, from baud rate, framing and the devices'
// requests, and whether the site's timing can be met (pure; docs/buses.md "Timing rule").
// `ampgate check` prints it; the daemon schedules by the same rules (poll_schedule.h).
#include <string>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::gateway {

struct LineTiming {
  int baud = 9600;
  int bits_per_char = 10;     // 1 start + data bits + parity (0/1) + stop bits: 10 for 8N1, 11 for 8E1
  double turnaround_s = 0.0;  // the device's own answer delay (unknown in general: 0)
};

// Bytes of an RTU request and its answer (address, function, data, CRC).
int request_bytes(const modbus::Request& r);
int response_bytes(const modbus::Request& r);
// One transaction on the line: both frames plus the 3.5-character silence after each
// (fixed at 1.75 ms above 19200 baud) plus the device's turnaround.
double transaction_seconds(const modbus::Request& r, const LineTiming& line);

struct PolledDevice {
  std::string id;
  bool meter = false;
  std::vector<modbus::Request> reads;  // what one read of the device sends (its fast poll)
};

struct BusTiming {
  std::string bus;
  double meter_interval = 0;  // s, what the scheduler aims at
  double meter_gap = 0;       // s, worst time between two reads of one meter
  double meter_share = 0;     // 0..1 of the line spent on meter reads
  double charger_round = 0;   // s, every charger read once with what the meters leave
  int chargers = 0;
  std::vector<std::string> warnings;  // what cannot be met, with the numbers
};

struct TimingTargets {
  double control_period = 1.0;
  double meter_stale_after = 5.0;
};

BusTiming bus_timing(const std::string& bus, const LineTiming& line, const std::vector<PolledDevice>& devices,
                     const TimingTargets& targets);

}  // namespace ampgate::gateway
