#include "gateway/bus/poll_timing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "gateway/bus/poll_schedule.h"

namespace ampgate::gateway {

namespace {
using modbus::Function;

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

int bit_bytes(int bits) { return (bits + 7) / 8; }
}  // namespace

int request_bytes(const modbus::Request& r) {
  switch (r.function) {
    case Function::write_multiple: return 9 + 2 * static_cast<int>(r.values.size());
    default: return 8;  // unit, function, address (2), count or value (2), CRC (2)
  }
}

int response_bytes(const modbus::Request& r) {
  switch (r.function) {
    case Function::read_holding:
    case Function::read_input: return 5 + 2 * r.count;
    case Function::read_coils:
    case Function::read_discrete_inputs: return 5 + bit_bytes(r.count);
    default: return 8;  // a write is echoed (FC5, FC6) or answered with address and count (FC16)
  }
}

double transaction_seconds(const modbus::Request& r, const LineTiming& line) {
  const double char_s = static_cast<double>(line.bits_per_char) / line.baud;
  const double t35 = line.baud > 19200 ? 0.00175 : 3.5 * char_s;
  return (request_bytes(r) + response_bytes(r)) * char_s + 2 * t35 + line.turnaround_s;
}

BusTiming bus_timing(const std::string& bus, const LineTiming& line, const std::vector<PolledDevice>& devices,
                     const TimingTargets& targets) {
  BusTiming t;
  t.bus = bus;
  t.meter_interval = std::chrono::duration<double>(meter_read_interval(targets.control_period)).count();
  double meters_total = 0, chargers_total = 0, longest_charger = 0;
  for (const auto& d : devices) {
    double visit = 0;
    for (const auto& r : d.reads) visit += transaction_seconds(r, line);
    if (d.meter) {
      meters_total += visit;
    } else {
      chargers_total += visit;
      longest_charger = std::max(longest_charger, visit);
      ++t.chargers;
    }
  }
  // When the meters need their whole interval or more, one charger read follows each run
  // of meter reads (poll_schedule.h).
  const double average_charger = t.chargers ? chargers_total / t.chargers : 0.0;
  const double meter_cycle = meters_total >= t.meter_interval ? meters_total + average_charger : t.meter_interval;
  t.meter_share = meters_total > 0 ? meters_total / meter_cycle : 0.0;
  // A charger read under way is not interrupted: a meter waits for at most one.
  t.meter_gap = meters_total > 0 ? std::max(t.meter_interval, meters_total) + longest_charger : 0.0;
  t.charger_round = t.chargers == 0 ? 0.0 : chargers_total / (1.0 - t.meter_share);

  const std::string where = "bus " + bus + ": ";
  if (meters_total > 0 && t.meter_gap > targets.control_period)
    t.warnings.push_back(where + "a meter is read only every " + seconds(t.meter_gap) + ", longer than policy.control_period " +
                         seconds(targets.control_period) + "; raise the baud rate or move devices to another bus");
  if (meters_total > 0 && 2 * t.meter_gap > targets.meter_stale_after)
    t.warnings.push_back(where + "one failed meter read leaves the meter " + seconds(2 * t.meter_gap) +
                         " without a sample, beyond policy.meter_stale_after " + seconds(targets.meter_stale_after) +
                         ": single failed reads make it stale");
  if (t.charger_round > targets.meter_stale_after)
    t.warnings.push_back(where + "reading every charger once takes " + seconds(t.charger_round) +
                         ", longer than policy.meter_stale_after " + seconds(targets.meter_stale_after) +
                         ": charger readings are older than meter samples and less capacity is handed out");
  return t;
}

}  // namespace ampgate::gateway
