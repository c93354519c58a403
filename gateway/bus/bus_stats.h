#pragma once
// Counters a bus keeps about itself and about each device (unit) on it. The worker thread
// records; any thread may take a snapshot. The API serialises the snapshot with to_json().
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "drivers/modbus.h"

namespace ampgate::gateway {

// What happened to requests for one device, or for the whole bus (unit 0 there).
struct DeviceStats {
  std::uint8_t unit = 0;
  std::uint64_t requests = 0;    // transactions put on the wire (merged reads count once)
  std::uint64_t successes = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t bad_frames = 0;  // CRC, framing, wrong length or wrong unit
  std::uint64_t io_errors = 0;
  std::map<int, std::uint64_t> exceptions;  // Modbus exception code -> count
  std::uint64_t backed_off = 0;  // answered without using the bus because of back-off
  bool stale = false;            // in back-off now: its readings must be treated as missing
  double latency_p50_ms = 0.0;   // over the recent transactions; 0 when none yet
  double latency_p99_ms = 0.0;
  std::uint64_t latency_samples = 0;
};

struct BusStats {
  std::string bus;
  DeviceStats total;
  double busy_share = 0.0;   // time inside transactions / wall time over the recent window
  std::size_t queued = 0;    // transactions waiting
  std::uint64_t coalesced = 0;  // caller requests that rode along in another's transaction
  std::vector<DeviceStats> devices;  // ordered by unit
};

nlohmann::json to_json(const DeviceStats& s);
nlohmann::json to_json(const BusStats& s);

// Thread-safe recorder behind Bus::stats().
class StatsRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit StatsRecorder(std::string bus_id, Clock::duration busy_window = std::chrono::seconds(10));

  void record(std::uint8_t unit, const modbus::Reply& reply, Clock::time_point started, Clock::time_point ended);
  void record_backed_off(std::uint8_t unit);
  void record_coalesced(std::uint64_t n);
  void set_stale(std::uint8_t unit, bool stale);
  BusStats snapshot(std::size_t queued) const;

 private:
  // A bounded ring of recent latencies: percentiles follow the current state of the line.
  struct Latencies {
    std::vector<std::uint32_t> us;
    std::size_t next = 0;
    std::uint64_t total = 0;
    void add(std::uint32_t v);
  };
  struct Entry {
    DeviceStats counts;
    Latencies latencies;
  };
  static void count(DeviceStats& s, const modbus::Reply& reply);
  static void fill_percentiles(DeviceStats& s, const Latencies& l);

  mutable std::mutex mutex_;
  std::string bus_id_;
  Clock::duration window_;
  Clock::time_point created_;
  Entry total_;
  std::map<std::uint8_t, Entry> devices_;
  std::uint64_t coalesced_ = 0;
  struct Busy {
    Clock::time_point start, end;
  };
  std::deque<Busy> busy_;  // transactions that ended within the window
};

}  // namespace ampgate::gateway
