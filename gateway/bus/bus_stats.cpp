#include "gateway/bus/bus_stats.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ampgate::gateway {

namespace {
constexpr std::size_t latency_ring = 256;

double percentile_ms(std::vector<std::uint32_t> v, double p) {
  if (v.empty()) return 0.0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1000.0;
}
}  // namespace

void StatsRecorder::Latencies::add(std::uint32_t v) {
  if (us.size() < latency_ring) {
    us.push_back(v);
  } else {
    us[next] = v;
    next = (next + 1) % latency_ring;
  }
  ++total;
}

StatsRecorder::StatsRecorder(std::string bus_id, Clock::duration busy_window)
    : bus_id_(std::move(bus_id)), window_(busy_window), created_(Clock::now()) {}

void StatsRecorder::count(DeviceStats& s, const modbus::Reply& reply) {
  ++s.requests;
  switch (reply.outcome) {
    case modbus::Outcome::ok: ++s.successes; break;
    case modbus::Outcome::timeout: ++s.timeouts; break;
    case modbus::Outcome::bad_frame: ++s.bad_frames; break;
    case modbus::Outcome::exception: ++s.exceptions[reply.exception_code]; break;
    case modbus::Outcome::io_error: ++s.io_errors; break;
    case modbus::Outcome::backed_off: --s.requests; ++s.backed_off; break;
  }
}

void StatsRecorder::record(std::uint8_t unit, const modbus::Reply& reply, Clock::time_point started,
                           Clock::time_point ended) {
  std::lock_guard lock(mutex_);
  auto& dev = devices_[unit];
  dev.counts.unit = unit;
  count(dev.counts, reply);
  count(total_.counts, reply);
  // Only answers say how fast the line and device are; a timeout's latency is the timeout.
  if (reply.outcome == modbus::Outcome::ok || reply.outcome == modbus::Outcome::exception) {
    auto us = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(ended - started).count());
    dev.latencies.add(us);
    total_.latencies.add(us);
  }
  busy_.push_back({started, ended});
  while (!busy_.empty() && busy_.front().end < ended - window_) busy_.pop_front();
}

void StatsRecorder::record_backed_off(std::uint8_t unit) {
  std::lock_guard lock(mutex_);
  auto& dev = devices_[unit];
  dev.counts.unit = unit;
  ++dev.counts.backed_off;
  ++total_.counts.backed_off;
}

void StatsRecorder::record_coalesced(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  coalesced_ += n;
}

void StatsRecorder::set_stale(std::uint8_t unit, bool stale) {
  std::lock_guard lock(mutex_);
  auto& dev = devices_[unit];
  dev.counts.unit = unit;
  dev.counts.stale = stale;
}

void StatsRecorder::fill_percentiles(DeviceStats& s, const Latencies& l) {
  s.latency_p50_ms = percentile_ms(l.us, 0.50);
  s.latency_p99_ms = percentile_ms(l.us, 0.99);
  s.latency_samples = l.total;
}

BusStats StatsRecorder::snapshot(std::size_t queued) const {
  std::lock_guard lock(mutex_);
  BusStats out;
  out.bus = bus_id_;
  out.queued = queued;
  out.coalesced = coalesced_;
  out.total = total_.counts;
  fill_percentiles(out.total, total_.latencies);
  out.total.stale = false;
  for (const auto& [unit, e] : devices_) {
    DeviceStats d = e.counts;
    fill_percentiles(d, e.latencies);
    out.devices.push_back(d);
  }
  // Busy share over the window that ends now (or since creation, when younger than that).
  auto now = Clock::now();
  auto from = std::max(created_, now - window_);
  Clock::duration busy{0};
  for (const auto& b : busy_) {
    auto s = std::max(b.start, from);
    if (b.end > s) busy += b.end - s;
  }
  auto wall = now - from;
  if (wall.count() > 0) out.busy_share = std::min(1.0, std::chrono::duration<double>(busy) / wall);
  return out;
}

nlohmann::json to_json(const DeviceStats& s) {
  nlohmann::json exceptions = nlohmann::json::object();
  for (const auto& [code, n] : s.exceptions) exceptions[std::to_string(code)] = n;
  return {
      {"unit", s.unit},
      {"requests", s.requests},
      {"successes", s.successes},
      {"timeouts", s.timeouts},
      {"bad_frames", s.bad_frames},
      {"io_errors", s.io_errors},
      {"exceptions", exceptions},
      {"backed_off", s.backed_off},
      {"stale", s.stale},
      {"latency_ms", {{"p50", s.latency_p50_ms}, {"p99", s.latency_p99_ms}, {"samples", s.latency_samples}}},
  };
}

nlohmann::json to_json(const BusStats& s) {
  nlohmann::json total = to_json(s.total);
  total.erase("unit");
  total.erase("stale");
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& d : s.devices) devices.push_back(to_json(d));
  return {{"bus", s.bus},          {"total", total},         {"busy_share", s.busy_share},
          {"queued", s.queued},    {"coalesced", s.coalesced}, {"devices", devices}};
}

}  // namespace ampgate::gateway
