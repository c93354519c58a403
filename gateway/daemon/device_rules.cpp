#include "gateway/daemon/device_rules.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ampgate::gateway {

bool charger_reachable(bool read_since_start, int consecutive_failures) {
  // One failed read among several is a glitch, two in a row is a lost charger.
  return read_since_start && consecutive_failures < 2;
}

double draw_tolerance(double commanded_amps) { return 1.0 + 0.05 * std::max(0.0, commanded_amps); }

std::optional<double> above_command(const DrawCheck& c) {
  // An unacknowledged command may or may not be in force; the car is still following a new one.
  if (!c.commanded_certain || c.reading_at < c.certain_since + c.follow_time) return std::nullopt;
  // Per charger phase, the highest offer in force at some moment of the follow time.
  // A paused charger, or a phase it was not told to use, is allowed nothing but noise.
  std::array<double, 3> allowed{};
  auto allow = [&](const policies::Setpoint& s) {
    const int used = c.wired_phases == 1 || s.phases == 1 ? 1 : 3;
    for (int i = 0; i < used && s.run; ++i) allowed[i] = std::max(allowed[i], static_cast<double>(s.amps));
  };
  const auto& h = c.history;
  for (std::size_t k = 0; k < h.size(); ++k) {
    const bool ended = k + 1 < h.size() && h[k + 1].from <= c.reading_at - c.follow_time;
    const bool started = k == 0 || h[k].from <= c.reading_at;
    if (started && !ended) allow(h[k].setpoint);
  }
  allow(c.commanded);  // the last one, whatever the history holds
  std::optional<double> worst;
  for (int i = 0; i < 3; ++i) {
    if (!c.current[i] || !std::isfinite(*c.current[i])) continue;
    const double over = *c.current[i] - allowed[i];
    if (over > draw_tolerance(allowed[i]) && (!worst || over > *worst)) worst = over;
  }
  return worst;
}

RebootVerdict judge_reboot(const RebootSigns& s) {
  if (s.lifetime_wh_before && s.lifetime_wh_now && *s.lifetime_wh_now + 1.0 < *s.lifetime_wh_before)
    return {true, "charger rebooted: energy counter went back"};
  if (s.same_session && s.session_wh_before && s.session_wh_now && *s.session_wh_now + 1.0 < *s.session_wh_before)
    return {true, "charger rebooted: session energy went back"};
  if (s.readback_valid) {
    if (s.failsafe_read && std::abs(*s.failsafe_read - s.failsafe_programmed) > 0.05)
      return {true, "failsafe setting differs from the site file, reprogramming"};
    // Whole seconds on the wire: allow the rounding.
    if (s.timeout_read && std::abs(*s.timeout_read - s.timeout_programmed) >= 1.0)
      return {true, "watchdog timeout setting differs from the site file, reprogramming"};
  }
  if (s.commanded_settled && s.commanded.run && s.device_limit && *s.device_limit > s.commanded.amps + 0.5)
    return {true, "charger applies a limit above its command, reprogramming"};
  if (s.excess) return {true, "charger draws above its command, reprogramming"};
  return {};
}

}  // namespace ampgate::gateway
