#include "gateway/config_driver.h"

#include "gateway/config_reader.h"

namespace ampgate::config {

drivers::ChargerSettings charger_settings(const Charger& c) {
  drivers::ChargerSettings s;
  s.model = c.model;
  s.unit = c.unit;
  s.min_current = c.min_current;
  s.max_current = c.max_current;
  s.failsafe_current = c.failsafe_current;
  s.watchdog_timeout = c.watchdog_timeout;
  s.phases = c.phases;
  if (c.generic) s.generic = *c.generic;
  s.generic_zero_pauses = c.pause_with_zero;
  return s;
}

DriverFacts driver_facts(const Charger& c) {
  auto made = drivers::make_charger(charger_settings(c));
  if (!made.charger) return {{}, made.error};
  return {made.charger->capabilities(), {}};
}

std::string silent_reservation(const Charger& c, const drivers::Capabilities& caps) {
  using detail::number_text;
  const std::string last = "its last command (" + number_text(c.max_current) + " A, its max_current, when unknown)";
  if (caps.fixed_watchdog_timeout) {
    return last + " until its fixed " + number_text(*caps.fixed_watchdog_timeout) + " s watchdog falls back to " +
           number_text(caps.failsafe_current.value_or(0)) +
           " A while the charger reports that watchdog running, otherwise for as long as it is silent";
  }
  if (!caps.has_watchdog) return last + " for as long as it is silent (no watchdog)";
  return last + " until the watchdog expires after " + number_text(c.watchdog_timeout) + " s, then its failsafe " +
         number_text(c.failsafe_current) + " A";
}

}  // namespace ampgate::config
