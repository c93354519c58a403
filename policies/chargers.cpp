// Per charger: is its data usable, what class it is in, its caps, its measured draw, and
// its floor - what is reserved for it whatever it is offered. One bad charger is paused
// alone (Class::invalid / min_above_max); its floor is still reserved.
#include <algorithm>
#include <cmath>

#include "policies/detail.h"

namespace ampgate::policies::detail {
namespace {

// Below this a phase counts as idle, above `drawing` as used (car on one phase only).
constexpr double idle_phase_amps = 1.0;
constexpr double drawing_phase_amps = 2.0;

// A configured current: finite, >= 0 and at most max_charger_amps; otherwise `bad`.
double amps_or(double v, double bad) {
  if (!std::isfinite(v) || v < 0) return bad;
  return std::min(v, max_charger_amps);
}

bool map_ok(const ChargerSnapshot& c) {
  if (c.wired_phases != 1 && c.wired_phases != 3) return false;
  std::array<int, 3> seen{};
  for (int i = 0; i < c.wired_phases; ++i) {
    const int p = phase_index(c.phase_map[i]);
    if (p < 0 || p > 2 || seen[p]++) return false;
  }
  return true;
}

// A reading no charger can give is a bad reading, not a huge load (stale, not zero).
bool plausible(const ChargerSnapshot& c, const Reading& r) {
  const int n = c.wired_phases == 1 ? 1 : 3;
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(r.amps[i]) || std::abs(r.amps[i]) > max_charger_amps) return false;
  return true;
}

bool fresh_charger(const ChargerSnapshot& c, const PolicySettings& p, Seconds now) {
  return c.reading && now - c.reading->at <= p.meter_stale_after && plausible(c, *c.reading);
}

// A charger's reading (per charger phase) on the site's phases, through its phase map.
PerPhase on_site_phases(const ChargerSnapshot& c, const Reading& r) {
  PerPhase d{};
  for (int i = 0; i < c.wired_phases; ++i) d[phase_index(c.phase_map[i])] += std::max(0.0, r.amps[i]);
  return d;
}

void pick_cap(ChargerFacts& f, const ChargerSnapshot& c) {
  double cap = amps_or(c.max_current, 0);
  f.cap_reason = {ReasonKind::charger_max};
  if (c.ev_max && std::isfinite(*c.ev_max) && *c.ev_max <= cap) cap = *c.ev_max, f.cap_reason = {ReasonKind::ev_max};
  // A user limit that is not a number is taken as 0: the safe reading of a bad request.
  if (c.user_limit && !(*c.user_limit > cap)) {
    cap = std::isfinite(*c.user_limit) ? *c.user_limit : 0;
    f.cap_reason = {ReasonKind::user_limit};
  }
  f.cap = static_cast<int>(std::floor(std::max(0.0, cap) + eps));
  f.min = static_cast<int>(std::ceil(amps_or(c.min_current, max_charger_amps) - eps));
}

void read_draw(ChargerFacts& f, const ChargerSnapshot& c, const PolicySettings& p, Seconds now) {
  if (!fresh_charger(c, p, now)) return;
  f.site_draw = on_site_phases(c, *c.reading);
  if (c.wired_phases != 3 || c.state != CarState::charging || f.phases != 3) return;
  // A car that only takes one phase while offered three: count it on that phase only.
  int drawing = -1, idle = 0;
  for (int i = 0; i < 3; ++i) {
    if (c.reading->amps[i] >= drawing_phase_amps) drawing = drawing < 0 ? i : 3;
    if (c.reading->amps[i] < idle_phase_amps) ++idle;
  }
  if (drawing >= 0 && drawing < 3 && idle == 2) f.single_phase = c.phase_map[drawing];
}

int initial_phases(const ChargerSnapshot& c, const ChargerMemory* m, PhaseMode mode) {
  const bool can = c.wired_phases == 3 && c.can_switch_phases;
  if (!can) return c.wired_phases;
  if (mode == PhaseMode::one) return 1;
  if (m && (m->phases == 1 || m->phases == 3)) return m->phases;
  return 3;
}

// The worst a charger may be running without a measurement (amps per phase, phases):
// silent, it may run its last command - the max when that is unknown - or fall back to its
// failsafe at any time, and after its verified watchdog has certainly expired only the
// failsafe; answering but not known, its last command or its max.
std::pair<double, int> worst_command(const ChargerSnapshot& c, Seconds now) {
  const double max = amps_or(c.max_current, max_charger_amps);
  const int wired = c.wired_phases == 1 ? 1 : 3;
  const int last_phases = wired == 1 || c.last_setpoint.phases == 1 ? 1 : 3;
  const bool run = c.last_setpoint.run && c.last_setpoint.amps > 0;
  const double last = run ? std::min<double>(c.last_setpoint.amps, max_charger_amps) : 0.0;
  double amps = c.setpoint_known ? last : (run ? last : max);
  int phases = c.setpoint_known || run ? last_phases : wired;
  if (!c.reachable) {
    const double failsafe = amps_or(c.failsafe_current, max);
    const bool expired = c.watchdog_verified && now - c.last_seen >= c.watchdog_timeout;
    if (expired) return {failsafe, c.setpoint_known ? last_phases : wired};
    if (failsafe > amps) amps = failsafe, phases = std::max(phases, last_phases);
  }
  return {amps, phases};
}

PerPhase held_offers(const ChargerSnapshot& c, const PolicySettings& p, Seconds now);

// The floor per site phase (f.site_draw is the fresh measured draw, if any).
PerPhase floor_of(const ChargerSnapshot& c, const ChargerFacts& f, const PolicySettings& pol, Seconds now) {
  PerPhase floor{};
  const bool uncertain = !c.reachable || !c.setpoint_known;
  const bool commanded = f.cls == Class::active && !uncertain;
  // An active charger known to run its command is reserved at that command by the sharing;
  // everything else at the worst it may be running unless measured.
  if (!commanded && (uncertain || !f.site_draw)) {
    const auto [amps, phases] = worst_command(c, now);
    if (f.map_ok) {
      const auto load = load_on_phases(c.phase_map, phases);
      for (int p = 0; p < 3; ++p) floor[p] = amps * load.coef[p];
    } else {
      // Where its phases land is unknown: every site phase may carry all of them.
      floor.fill(amps * (c.wired_phases == 1 ? 1 : 3));
    }
  }
  if (f.site_draw) {
    for (int p = 0; p < 3; ++p) floor[p] = std::max(floor[p], (*f.site_draw)[p]);
  } else if (!f.map_ok && fresh_charger(c, pol, now)) {
    double most = 0;
    for (double a : c.reading->amps) most = std::max(most, std::isfinite(a) ? a : max_charger_amps);
    for (auto& v : floor) v = std::max(v, most * 3);
  }
  if (f.map_ok && c.setpoint_known) {
    const PerPhase held = held_offers(c, pol, now);
    for (int p = 0; p < 3; ++p) floor[p] = std::max(floor[p], held[p]);
  }
  return floor;
}

}  // namespace

bool fresh_meter(const std::optional<Reading>& r, const PolicySettings& p, Seconds now) {
  return r && now - r->at <= p.meter_stale_after && finite(r->amps);
}

Seconds follow_time(const PolicySettings& p) {
  return std::isfinite(p.car_follow_time) && p.car_follow_time >= 0 ? p.car_follow_time : PolicySettings{}.car_follow_time;
}

double sane_margin(const PolicySettings& p) { return p.safety_margin > 0 ? p.safety_margin : 0.0; }

PerPhase offer_of(const ChargerSnapshot& c, const Setpoint& s) {
  PerPhase d{};
  if (!s.run || s.amps <= 0) return d;
  const auto load = load_on_phases(c.phase_map, c.wired_phases == 1 || s.phases == 1 ? 1 : 3);
  for (int p = 0; p < 3; ++p) d[p] = std::min<double>(s.amps, max_charger_amps) * load.coef[p];
  return d;
}

namespace {

// The charger's good readings (the latest and the earlier ones kept), on site phases.
std::vector<Reading> good_readings(const ChargerSnapshot& c) {
  std::vector<Reading> out;
  auto add = [&](const Reading& r) {
    if (std::isfinite(r.at) && plausible(c, r)) out.push_back({on_site_phases(c, r), r.at});
  };
  if (c.reading) add(*c.reading);
  for (const auto& e : c.earlier_readings) add(e);
  return out;
}

// Offers a car may still be rising toward although it is now offered less (docs/policies.md,
// "Reservations"). A car follows an offer within F and may start late: read at 0 A 0.9 s
// after being offered 7 A, it may take the 7 A in the next second, pause or not, until F
// after the pause. So an offer stays reserved until F after it ended, unless a reading shows
// the car settled under it (read at the offer, or F or more after it began, while it was in
// force: it no longer rises toward it) or left it (read after it ended, lower than an earlier reading
// and below the offer: a car only drops when it follows a lower offer, and never goes back).
// The offer in force now counts too: this decision may be the one that lowers it.
PerPhase held_offers(const ChargerSnapshot& c, const PolicySettings& p, Seconds now) {
  PerPhase held{};
  const auto& recent = c.recent_setpoints;
  if (recent.empty()) return held;  // one offer for longer than the history: settled
  const Seconds f = follow_time(p);
  const std::vector<Reading> readings = good_readings(c);
  for (std::size_t k = 0; k < recent.size(); ++k) {
    const PerPhase o = offer_of(c, recent[k].setpoint);
    const Seconds start = recent[k].from;
    const Seconds end = k + 1 < recent.size() ? recent[k + 1].from : unlimited;
    const bool known = std::isfinite(start) && (k + 1 == recent.size() || std::isfinite(end));
    if (known && end <= now - f) continue;  // followed whatever came after
    bool settled = false, left = false;
    for (const auto& r : readings) {
      if (known && r.at >= start + f && r.at <= end) settled = true;
      // Read at the offer (within the tolerance on every phase it offers) while it held: the
      // car took it and has nothing left to rise to.
      bool reached = known && r.at >= start && r.at <= end;
      for (int q = 0; q < 3; ++q) reached = reached && r.amps[q] >= o[q] - follow_tolerance;
      if (reached) settled = true;
      if (!known || r.at <= end) continue;
      for (const auto& x : readings)
        for (int q = 0; q < 3; ++q)
          if (x.at < r.at && r.amps[q] < x.amps[q] - follow_tolerance && r.amps[q] < o[q] - follow_tolerance) left = true;
    }
    if (settled || left) continue;
    for (int q = 0; q < 3; ++q) held[q] = std::max(held[q], o[q]);
  }
  return held;
}

// known_draw() for one reading (on site phases) taken at `t`, against a sample taken at
// some moment of [earliest, sample_at].
PerPhase bound_from(const ChargerSnapshot& c, const PerPhase& reading, Seconds t, Seconds earliest, Seconds sample_at,
                    const PolicySettings& p) {
  const Seconds lo = std::min(t, earliest) - follow_time(p), hi = std::max(t, sample_at);
  // The offers in force at some moment of [lo, hi]: any of them may be what the car
  // followed at the sample's time or between the two readings.
  PerPhase lowest{unlimited, unlimited, unlimited};
  int offers = 0;
  const auto& recent = c.recent_setpoints;
  if (recent.empty()) {
    lowest = offer_of(c, c.last_setpoint), offers = 1;
  } else {
    for (const auto& r : recent)
      if (!std::isfinite(r.from)) return PerPhase{};  // history unknown: subtract nothing
    // A car follows its offers in the order they were made and never goes back to one it
    // has left. A reading taken before the sample that is above every offer older than
    // some entry k shows the car was following entry k or a later one: the older offers
    // can no longer be what it follows at the sample (after a raise the car read at the
    // new offer no longer counts at the old one).
    std::size_t first = 0;
    if (t <= earliest) {
      for (std::size_t i = 0; i < recent.size(); ++i) {
        const bool ended = i + 1 < recent.size() && recent[i + 1].from <= lo;
        const bool started = i == 0 || recent[i].from <= t;
        if (ended) continue;
        if (!started) break;
        const PerPhase o = offer_of(c, recent[i].setpoint);
        bool may_follow = true;
        for (int q = 0; q < 3; ++q) may_follow = may_follow && reading[q] <= o[q] + follow_tolerance;
        if (may_follow) {
          first = i;
          break;
        }
      }
    }
    for (std::size_t i = first; i < recent.size(); ++i) {
      const bool started = i == 0 || recent[i].from <= hi;  // the oldest is in force since before
      const bool ended = i + 1 < recent.size() && recent[i + 1].from <= lo;
      if (!started || ended) continue;
      const PerPhase o = offer_of(c, recent[i].setpoint);
      for (int q = 0; q < 3; ++q) lowest[q] = std::min(lowest[q], o[q]);
      ++offers;
    }
  }
  if (offers == 1 && std::max(std::abs(t - sample_at), std::abs(t - earliest)) <= close_skew) return reading;
  PerPhase d;
  for (int q = 0; q < 3; ++q) d[q] = std::min(reading[q], lowest[q]);
  return d;
}

// True when no offer in force at some moment of [lo, hi] is above the one before it on any
// site phase: nothing the car may follow in that time lets it rise.
bool no_raise_within(const ChargerSnapshot& c, Seconds lo, Seconds hi) {
  const auto& recent = c.recent_setpoints;
  const PerPhase* before = nullptr;
  PerPhase o{};
  for (std::size_t i = 0; i < recent.size(); ++i) {
    if (!std::isfinite(recent[i].from)) return false;
    const bool started = i == 0 || recent[i].from <= hi;
    const bool ended = i + 1 < recent.size() && recent[i + 1].from <= lo;
    if (!started) break;
    if (ended) continue;
    const PerPhase next = offer_of(c, recent[i].setpoint);
    if (before)
      for (int q = 0; q < 3; ++q)
        if (next[q] > o[q] + eps) return false;
    o = next, before = &o;
  }
  return true;
}

// A lower bound from two readings around the sample, one at `a` (before its earliest
// moment) and one at `b` (after its latest): a car that is offered nothing higher in
// [a - F, b] can only stay, follow down, or rise toward an offer it had not reached, and
// it never goes back to an offer it has left, so between the two readings it never drew
// less than the lower of them (docs/policies.md, "Household": readings around the sample).
std::optional<PerPhase> bracket_bound(const ChargerSnapshot& c, Seconds earliest, Seconds sample_at,
                                      const PolicySettings& p) {
  const std::vector<Reading> readings = good_readings(c);
  const Reading* a = nullptr;
  const Reading* b = nullptr;
  for (const auto& r : readings) {
    if (r.at <= earliest && (!a || r.at > a->at)) a = &r;
    if (r.at >= sample_at && (!b || r.at < b->at)) b = &r;
  }
  const Seconds f = follow_time(p);
  if (!a || !b || b->at - a->at > f || !no_raise_within(c, a->at - f, b->at)) return std::nullopt;
  PerPhase d;
  for (int q = 0; q < 3; ++q) d[q] = std::min(a->amps[q], b->amps[q]);
  return d;
}

}  // namespace

PerPhase known_draw(const ChargerSnapshot& c, const ChargerFacts& f, Seconds sample_at, Seconds sample_age,
                    const PolicySettings& p) {
  if (!f.site_draw || !f.map_ok || !c.setpoint_known || !std::isfinite(sample_at)) return PerPhase{};
  // The sample's earliest moment: a meter that publishes every half second returns, when
  // read, a value up to that old, and a reading of a ramping car taken after it must not
  // count as taken before it.
  const Seconds earliest = sample_at - (std::isfinite(sample_age) && sample_age > 0 ? sample_age : 0.0);
  PerPhase d = bound_from(c, *f.site_draw, c.reading->at, earliest, sample_at, p);
  // A reading that may come after the sample proves little about a car that was ramping
  // up; the one before it may be from before the sample, where it proves more. Both are
  // lower bounds of the draw at the sample, so the larger holds (capped at the latest
  // reading: what the household keeps is never counted as taken away twice).
  const Reading* prev = nullptr;
  if (c.reading->at > earliest)
    for (const auto& e : c.earlier_readings)
      if (std::isfinite(e.at) && e.at <= earliest && e.at < c.reading->at && (!prev || e.at > prev->at)) prev = &e;
  if (prev && plausible(c, *prev)) {
    const PerPhase e = bound_from(c, on_site_phases(c, *prev), prev->at, earliest, sample_at, p);
    for (int q = 0; q < 3; ++q) d[q] = std::max(d[q], std::min(e[q], (*f.site_draw)[q]));
  }
  // While a reduction is on its way the offers say the car may already draw less, but two
  // readings around the sample that both show it higher prove it did not (the cascade of
  // cuts after a load step came from subtracting the new, lower offer from a sample taken
  // while the cars still drew the old one).
  if (const auto b = bracket_bound(c, earliest, sample_at, p))
    for (int q = 0; q < 3; ++q) d[q] = std::max(d[q], std::min((*b)[q], (*f.site_draw)[q]));
  return d;
}

void charger_facts(const SiteSnapshot& site, const std::vector<ChargerMemory*>& memory, Seconds now,
                   const IdIndex& circuits, std::vector<ChargerFacts>& out) {
  const auto& pol = site.policy;
  const std::size_t n = site.chargers.size();
  out.assign(n, ChargerFacts{});
  IdIndex ids(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& c = site.chargers[j];
    auto& f = out[j];
    f.map_ok = map_ok(c);
    f.circuit = circuits.find(c.circuit);
    const bool numbers_ok = std::isfinite(c.min_current) && c.min_current > 0 && std::isfinite(c.max_current) &&
                            c.max_current > 0;
    bool valid = f.map_ok && f.circuit >= 0 && numbers_ok;
    if (!ids.insert(c.id, static_cast<int>(j))) {
      // Two chargers under one id cannot be told apart: neither is commanded.
      valid = false;
      out[static_cast<std::size_t>(ids.find(c.id))].cls = Class::invalid;
    }
    pick_cap(f, c);
    f.cls = f.cls == Class::invalid || !valid       ? Class::invalid
            : !c.reachable                          ? Class::unreachable
            : c.state == CarState::fault            ? Class::fault
            : c.state == CarState::disconnected     ? Class::no_car
            : c.mode == Mode::off                   ? Class::off
            : std::floor(amps_or(c.max_current, 0) + eps) < f.min ? Class::min_above_max
                                                    : Class::active;
    if (!f.map_ok) continue;
    f.phases = initial_phases(c, memory[j], pol.phase_mode);
    read_draw(f, c, pol, now);
    f.switchable = c.wired_phases == 3 && c.can_switch_phases && pol.phase_mode != PhaseMode::one && !f.single_phase;
  }
  // Floors after every class is known (a duplicate found later turns an earlier one invalid).
  for (std::size_t j = 0; j < n; ++j) out[j].floor = floor_of(site.chargers[j], out[j], pol, now);
}

}  // namespace ampgate::policies::detail
