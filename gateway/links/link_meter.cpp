#include "gateway/links/link_meter.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "gateway/log.h"

namespace ampgate::gateway::links {

namespace {

constexpr auto log_every = std::chrono::minutes(1);

void negate(std::optional<drivers::Sample>& s) {
  if (s) s->value = -s->value;
}

// Fed from below: the same flip RegisterMeter applies (currents and powers negated, import
// and export swapped).
drivers::MeterReading flipped(drivers::MeterReading r) {
  for (int i = 0; i < 3; ++i) {
    negate(r.current[i]);
    negate(r.power[i]);
  }
  negate(r.power_total);
  std::swap(r.import_energy, r.export_energy);
  return r;
}

}  // namespace

bool LinkMeter::accept(const MeterUpdate& u) {
  // DSMR 2.2 and 3.0 telegrams (and old HomeWizard firmware) carry power, not per-phase
  // currents. Net power cannot stand in for them: one phase may import its fuse's worth
  // while solar on the others exports as much. Such a telegram is refused, counted and
  // named, and the circuit runs on policy.meter_lost_fallback (docs/links.md "No currents").
  const bool no_currents = u.reading && std::none_of(u.reading->current.begin(), u.reading->current.end(),
                                                     [](const auto& c) { return c.has_value(); });
  if (no_currents) {
    ++no_currents_;
    stats_.last_error = no_currents_error;
  }
  const std::uint64_t bad = u.bad + no_currents_;
  const bool failed_more = bad > stats_.failed_replies;
  stats_.good_replies = u.good >= no_currents_ ? u.good - no_currents_ : 0;
  stats_.failed_replies = bad;
  if (!u.last_error.empty()) stats_.last_error = u.last_error;
  const auto now = drivers::Clock::now();
  if (failed_more && (!last_logged_ || now - *last_logged_ >= log_every)) {
    log::warning("meter " + id_, "bad telegram or failed read",
                 {{"error", stats_.last_error}, {"bad", std::to_string(u.bad)}, {"good", std::to_string(u.good)}});
    last_logged_ = now;
  }
  if (!u.reading || no_currents) return false;
  reading_ = inverted_ ? flipped(*u.reading) : *u.reading;
  return true;
}

}  // namespace ampgate::gateway::links
