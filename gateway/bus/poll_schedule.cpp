#include "gateway/bus/poll_schedule.h"

#include <algorithm>

namespace ampgate::gateway {

std::chrono::steady_clock::duration meter_read_interval(double control_period_s) {
  auto s = std::min(0.25, control_period_s);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

void PollSchedule::add(PollTarget t) {
  (t.kind == PollTarget::Kind::meter ? meters_ : chargers_).push_back({t, std::nullopt});
}

std::optional<PollTarget> PollSchedule::next(Clock::time_point now, Clock::time_point& wake) {
  auto picked = pick(now, wake);
  if (picked && picked->kind == PollTarget::Kind::meter) {
    if (!meter_run_) meter_run_ = now;
  } else if (picked) {
    meter_run_.reset();
  }
  return picked;
}

std::optional<PollTarget> PollSchedule::pick(Clock::time_point now, Clock::time_point& wake) {
  // On a line too slow for the meter interval, meter reads would follow each other for ever:
  // after a meter interval's worth of them, a charger that is due gets a turn.
  const bool chargers_first = meter_run_ && now - *meter_run_ >= meter_interval_;
  if (chargers_first)
    if (auto c = next_charger(now)) return c;
  // The most overdue meter first: with several meters on one line none is starved.
  Entry* meter = nullptr;
  for (auto& m : meters_) {
    if (m.last && now - *m.last < meter_interval_) continue;
    if (!meter || (meter->last && (!m.last || *m.last < *meter->last))) meter = &m;
  }
  if (meter) {
    meter->last = now;
    return meter->target;
  }
  if (auto c = next_charger(now)) return c;
  wake = Clock::time_point::max();
  for (const auto& m : meters_) wake = std::min(wake, *m.last + meter_interval_);
  for (const auto& c : chargers_) wake = std::min(wake, *c.last + charger_interval_);
  return std::nullopt;
}

std::optional<PollTarget> PollSchedule::next_charger(Clock::time_point now) {
  for (std::size_t k = 0; k < chargers_.size(); ++k) {
    auto i = (cursor_ + k) % chargers_.size();
    auto& c = chargers_[i];
    if (c.last && now - *c.last < charger_interval_) continue;
    c.last = now;
    cursor_ = i + 1;
    return c.target;
  }
  return std::nullopt;
}

}  // namespace ampgate::gateway
