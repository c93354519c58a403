#include "drivers/meter.h"

namespace ampgate::drivers {

std::optional<Clock::time_point> MeterReading::updated() const {
  std::optional<Clock::time_point> oldest;
  auto visit = [&](const std::optional<Sample>& v) {
    if (v && (!oldest || v->at < *oldest)) oldest = v->at;
  };
  for (const auto& v : current) visit(v);
  for (const auto& v : power) visit(v);
  visit(power_total);
  return oldest;
}

bool MeterReading::fresh(Clock::time_point now, Clock::duration max_age) const {
  const auto u = updated();
  return u && now - *u <= max_age;
}

MeterReading MeterReading::without_stale(Clock::time_point now, Clock::duration max_age) const {
  MeterReading r = *this;
  auto drop = [&](std::optional<Sample>& v) {
    if (v && now - v->at > max_age) v.reset();
  };
  for (int p = 0; p < 3; ++p) {
    drop(r.current[p]);
    drop(r.voltage[p]);
    drop(r.power[p]);
  }
  drop(r.power_total);
  drop(r.import_energy);
  drop(r.export_energy);
  return r;
}

}  // namespace ampgate::drivers
