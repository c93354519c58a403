#include "drivers/chargers/common.h"

#include <sstream>

namespace ampgate::drivers {

const char* to_string(IecState s) {
  switch (s) {
    case IecState::A: return "A";
    case IecState::B: return "B";
    case IecState::C: return "C";
    case IecState::D: return "D";
    case IecState::E: return "E";
    case IecState::F: return "F";
    case IecState::unknown: return "unknown";
  }
  return "unknown";
}

PhaseSwitchPlan plan_phase_switch(Charger& charger, int phases, double resume_amps) {
  PhaseSwitchPlan plan;
  const auto caps = charger.capabilities();
  if (!caps.can_switch_phases) {
    plan.error = charger.model() + ": cannot switch phases";
    return plan;
  }
  if (!caps.can_pause) {
    plan.error = charger.model() + ": cannot pause, so it cannot switch phases safely";
    return plan;
  }
  // Built resume first and pause last: a driver that repeats its last command as keep-alive
  // then repeats the pause during the wait, not the resume current.
  auto sw = charger.set_phases(phases);
  auto current = charger.set_current(resume_amps);
  auto start = charger.start();
  auto pause = charger.stop();
  for (const auto* r : {&sw, &current, &start, &pause}) {
    if (!r->ok()) {
      plan.error = r->error;
      return plan;
    }
  }
  plan.pause = std::move(pause.requests);
  plan.settle = phase_switch_settle;
  plan.switch_phases = std::move(sw.requests);
  plan.resume = std::move(current.requests);
  plan.resume.insert(plan.resume.end(), start.requests.begin(), start.requests.end());
  return plan;
}

}  // namespace ampgate::drivers

namespace ampgate::drivers::chargers {

modbus::Request read_request(std::uint8_t unit, modbus::Function fn, std::uint16_t address, std::uint16_t count,
                             modbus::Priority priority, std::string tag) {
  modbus::Request r;
  r.unit = unit;
  r.function = fn;
  r.address = address;
  r.count = count;
  r.priority = priority;
  r.tag = std::move(tag);
  return r;
}

modbus::Request write_request(std::uint8_t unit, std::uint16_t address, std::vector<std::uint16_t> values,
                              std::string tag) {
  modbus::Request r;
  r.unit = unit;
  r.function = values.size() == 1 ? modbus::Function::write_single : modbus::Function::write_multiple;
  r.address = address;
  r.count = static_cast<std::uint16_t>(values.size());
  r.values = std::move(values);
  r.priority = modbus::Priority::setpoint;
  r.tag = std::move(tag);
  return r;
}

std::uint32_t u32_of(std::uint16_t first, std::uint16_t second, bool low_first) {
  const std::uint32_t hi = low_first ? second : first;
  const std::uint32_t lo = low_first ? first : second;
  return (hi << 16) | lo;
}

std::uint64_t u64_of(const std::uint16_t* words, bool low_first) {
  std::uint64_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t w = words[low_first ? 3 - i : i];
    v = (v << 16) | w;
  }
  return v;
}

std::string name_of(const std::vector<std::string>& names, unsigned value, const std::string& what) {
  if (value < names.size()) return names[value];
  return what + " " + std::to_string(value) + " (undocumented)";
}

std::vector<std::string> flags_of(std::uint32_t bits, const std::vector<std::string>& names, const std::string& what) {
  std::vector<std::string> out;
  for (unsigned bit = 0; bit < 32; ++bit) {
    if (!(bits & (1u << bit))) continue;
    out.push_back(bit < names.size() ? names[bit] : what + " bit " + std::to_string(bit) + " (undocumented)");
  }
  return out;
}

std::string format_amps(double a) {
  std::ostringstream s;
  s << a << " A";
  return s.str();
}

std::string check_setpoint(double amps, const Capabilities& caps, const std::string& model) {
  if (!std::isfinite(amps)) return model + ": setpoint is not a number";
  if (amps > caps.max_current)
    return model + ": " + format_amps(amps) + " is above the charger's maximum " + format_amps(caps.max_current);
  if (amps < caps.min_current)
    return model + ": " + format_amps(amps) + " is below the charger's minimum " + format_amps(caps.min_current) +
           " (use stop() to pause)";
  return {};
}

std::string check_settings(const ChargerSettings& s) {
  if (!(s.min_current > 0) || !(s.max_current >= s.min_current))
    return "min_current " + format_amps(s.min_current) + " and max_current " + format_amps(s.max_current) +
           " must satisfy 0 < min <= max";
  if (s.phases != 1 && s.phases != 3) return "phases must be 1 or 3, not " + std::to_string(s.phases);
  if (s.failsafe_current < 0 || s.failsafe_current > s.max_current)
    return "failsafe_current " + format_amps(s.failsafe_current) + " must be between 0 and max_current";
  if (s.watchdog_timeout < 0) return "watchdog_timeout must not be negative";
  return {};
}

void ChargerBase::on_reply(const modbus::Request& request, const modbus::Reply& reply, Clock::time_point now) {
  if (request.is_write()) return written(request, reply);  // the next read shows the effect
  if (!reply.ok() || reply.registers.size() != request.count) {
    clear(request);
    return;
  }
  decode(request, reply.registers);
  state_.last_good[request.tag] = now;
}

}  // namespace ampgate::drivers::chargers
