#include "drivers/chargers/generic_charger.h"

#include <cmath>

#include "drivers/registers.h"

namespace ampgate::drivers {

using modbus::Function;
using modbus::Priority;
using modbus::RegisterSpec;
using modbus::ValueType;

namespace {
const char* const known_keys[] = {"current_setpoint", "enable", "status", "current_l1", "current_l2",
                                  "current_l3", "power", "energy", "watchdog_timeout", "failsafe_current"};
const char* const fast_keys[] = {"status", "current_l1", "current_l2", "current_l3", "power"};

bool is_read_function(Function f) {
  return f == Function::read_holding || f == Function::read_input || f == Function::read_coils ||
         f == Function::read_discrete_inputs;
}

}  // namespace

std::string check_generic_table(const ChargerSettings& s) {
  for (const auto& [key, spec] : s.generic) {
    bool known = false;
    for (const char* k : known_keys) known = known || key == k;
    if (!known) return "generic table: unknown key '" + key + "' (known: current_setpoint, enable, status, "
                        "current_l1, current_l2, current_l3, power, energy, watchdog_timeout, failsafe_current)";
    if (!is_read_function(spec.function))
      return "generic table: " + key + " must name a register to read (function 1, 2, 3 or 4)";
    if (spec.scale == 0 || !std::isfinite(spec.scale)) return "generic table: " + key + " has scale 0";
  }
  if (!s.generic.count("current_setpoint")) return "generic table: current_setpoint is required";
  const auto& sp = s.generic.at("current_setpoint");
  if (sp.function != Function::read_holding)
    return "generic table: current_setpoint must be a holding register (function 3) to be writable";
  if (auto it = s.generic.find("enable"); it != s.generic.end() && it->second.function != Function::read_holding &&
                                          it->second.function != Function::read_coils)
    return "generic table: enable must be a holding register or a coil to be writable";
  for (const char* key : {"watchdog_timeout", "failsafe_current"}) {
    if (auto it = s.generic.find(key); it != s.generic.end() && it->second.function != Function::read_holding)
      return std::string("generic table: ") + key + " must be a holding register (function 3) to be writable";
  }
  if (s.generic.count("watchdog_timeout") != s.generic.count("failsafe_current"))
    return "generic table: a watchdog needs both watchdog_timeout and failsafe_current registers";
  if (!s.generic.count("enable") && !s.generic_zero_pauses)
    return "generic table: no way to pause: give an enable register, or say that current_setpoint takes 0 A";
  return {};
}

std::vector<modbus::Request> GenericCharger::poll(PollLevel level) const {
  std::vector<modbus::Request> out;
  for (const char* key : fast_keys) {
    auto it = settings_.generic.find(key);
    if (it == settings_.generic.end()) continue;
    out.push_back(read(it->second.function, it->second.address, it->second.word_count(), Priority::status, key));
  }
  if (level == PollLevel::slow) {
    if (auto it = settings_.generic.find("energy"); it != settings_.generic.end())
      out.push_back(read(it->second.function, it->second.address, it->second.word_count(), Priority::telemetry, "energy"));
  }
  return out;
}

Capabilities GenericCharger::capabilities() const {
  Capabilities c;
  c.min_current = settings_.min_current;
  c.max_current = settings_.max_current;
  c.phases = settings_.phases;
  c.can_pause = settings_.generic.count("enable") || settings_.generic_zero_pauses;
  // A watchdog only when the site file names its registers; nothing is read back.
  c.has_watchdog = c.watchdog_programmable = settings_.generic.count("watchdog_timeout") != 0;
  return c;
}

std::optional<double>* GenericCharger::slot(const std::string& key) {
  if (key == "current_l1") return &state_.current[0];
  if (key == "current_l2") return &state_.current[1];
  if (key == "current_l3") return &state_.current[2];
  if (key == "power") return &state_.power;
  if (key == "energy") return &state_.lifetime_energy;
  return nullptr;
}

void GenericCharger::decode(const modbus::Request& rq, const std::vector<std::uint16_t>& r) {
  auto it = settings_.generic.find(rq.tag);
  if (it == settings_.generic.end()) return;
  const auto value = drivers::decode(it->second, r);
  if (!value || is_not_available_marker(it->second, r)) {
    clear(rq);  // a NaN or a "not available" marker is no reading
    return;
  }
  if (rq.tag == "status") {
    const double raw = *value / it->second.scale;
    raw_status_ = raw;
    const auto key = static_cast<std::int64_t>(std::llround(raw));
    auto m = settings_.generic_status.find(key);
    state_.iec = m == settings_.generic_status.end() ? IecState::unknown : m->second;
    state_.vendor_state = "status " + std::to_string(key);
    state_.charging = state_.iec == IecState::C || state_.iec == IecState::D;
    if (state_.iec == IecState::unknown) state_.charging.reset();
    return;
  }
  if (auto* s = slot(rq.tag)) *s = *value;
}

void GenericCharger::clear(const modbus::Request& rq) {
  if (rq.tag == "status") {
    raw_status_.reset();
    state_.iec = IecState::unknown;
    state_.vendor_state.clear();
    state_.charging.reset();
  } else if (auto* s = slot(rq.tag)) {
    s->reset();
  }
}

CommandResult GenericCharger::write_value(const std::string& key, double value_in_unit, const std::string& tag) const {
  auto it = settings_.generic.find(key);
  if (it == settings_.generic.end()) return CommandResult::fail("generic charger: no '" + key + "' register in the site file");
  const auto& spec = it->second;
  if (spec.function == Function::read_coils) {
    auto r = chargers::read_request(settings_.unit, Function::write_single_coil, spec.address, 1, Priority::setpoint, tag);
    r.values = {static_cast<std::uint16_t>(value_in_unit != 0 ? 1 : 0)};
    return {{r}, {}};
  }
  double value = value_in_unit;
  // Integers: round toward zero (the shared encoder rounds to nearest) so the charger is
  // never told more than asked.
  if (spec.type != ValueType::f32 && spec.type != ValueType::f64) value = std::trunc(value_in_unit / spec.scale + 1e-9) * spec.scale;
  auto words = encode(spec, value);
  if (!words) return CommandResult::fail("generic charger: " + key + " value does not fit its register type");
  return {{write(spec.address, std::move(*words), tag)}, {}};
}

CommandResult GenericCharger::set_current(double amps) {
  if (auto e = chargers::check_setpoint(amps, capabilities(), model()); !e.empty()) return CommandResult::fail(e);
  auto r = write_value("current_setpoint", amps, "set current");
  if (r.ok()) last_setpoint_ = amps;
  return r;
}

CommandResult GenericCharger::set_phases(int) {
  return CommandResult::fail("generic charger: phase switching is not describable in the site file");
}
CommandResult GenericCharger::start() {
  if (settings_.generic.count("enable")) return write_value("enable", 1, "start");
  if (!settings_.generic_zero_pauses) return CommandResult::fail("generic charger: no way to pause or resume");
  if (!last_setpoint_ || *last_setpoint_ <= 0)
    return CommandResult::fail("generic charger: resuming needs a current; call set_current() first");
  return write_value("current_setpoint", *last_setpoint_, "resume");
}

CommandResult GenericCharger::stop() {
  if (settings_.generic.count("enable")) return write_value("enable", 0, "stop");
  if (!settings_.generic_zero_pauses)
    return CommandResult::fail("generic charger: no enable register and current_setpoint does not take 0: cannot pause");
  last_setpoint_ = 0.0;
  return write_value("current_setpoint", 0, "pause");
}

CommandResult GenericCharger::authorize() { return CommandResult::fail("generic charger: no authorization register"); }

CommandResult GenericCharger::program_watchdog(double timeout_s, double failsafe_a) {
  if (!capabilities().watchdog_programmable)
    return CommandResult::fail("generic charger: no watchdog registers in the site file");
  if (!(timeout_s >= 1) || !(failsafe_a >= 0) || failsafe_a > settings_.max_current)
    return CommandResult::fail("generic charger: watchdog timeout must be at least 1 s and the failsafe 0..max_current");
  watchdog_timeout_s_ = timeout_s;
  // Failsafe first: the moment the timeout is armed, the fallback must already be right.
  auto f = write_value("failsafe_current", failsafe_a, "failsafe current");
  auto t = write_value("watchdog_timeout", timeout_s, "watchdog timeout");
  if (!f.ok()) return f;
  if (!t.ok()) return t;
  f.requests.insert(f.requests.end(), t.requests.begin(), t.requests.end());
  return f;
}

CommandResult GenericCharger::keep_alive() {
  if (!capabilities().watchdog_programmable) return CommandResult::fail("generic charger: has no watchdog to feed");
  // Re-writing the timeout restarts it on devices that count from the last write of it;
  // any other device counts every request.
  if (!watchdog_timeout_s_) return CommandResult::fail("generic charger: no watchdog programmed yet");
  return write_value("watchdog_timeout", *watchdog_timeout_s_, "keep alive");
}

}  // namespace ampgate::drivers
