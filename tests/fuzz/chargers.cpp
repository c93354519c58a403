// Every charger driver's decode: fuzzed replies to its own polls, then the commands the
// control loop sends. Whatever the device said, a setpoint the driver accepts lies within
// the capabilities it reports, and every write it asks for is a well-formed request.
#include <cmath>

#include "drivers/charger.h"
#include "tests/fuzz/device_replies.h"

namespace {

using namespace ampgate;
using modbus::RegisterSpec;

// A generic table as a site file could give it: each key at a fuzzed address and type.
void generic_table(drivers::ChargerSettings& s, fuzz::Bytes& in) {
  const char* keys[] = {"current_setpoint", "enable", "status", "current_l1", "current_l2",
                        "current_l3", "power", "energy"};
  for (const char* k : keys) {
    if (k != keys[0] && in.pick(4) == 0) continue;  // optional keys may be missing
    RegisterSpec r;
    r.function = in.pick(3) == 0 ? modbus::Function::read_input : modbus::Function::read_holding;
    r.address = in.u16() % 512;
    r.type = static_cast<modbus::ValueType>(in.pick(8));
    r.order = in.pick(2) ? modbus::WordOrder::low_first : modbus::WordOrder::high_first;
    r.scale = in.pick(2) ? 1.0 : 0.1;
    s.generic[k] = r;
  }
  for (int raw = 0; raw < 3; ++raw) s.generic_status[raw] = static_cast<drivers::IecState>(raw);
}

void check_command(const drivers::CommandResult& r) {
  if (!r.ok()) return;
  for (const auto& rq : r.requests) {
    if (rq.function == modbus::Function::write_single) FUZZ_CHECK(rq.values.size() == 1);
    if (rq.function == modbus::Function::write_multiple)
      FUZZ_CHECK(!rq.values.empty() && rq.values.size() <= modbus::max_write_registers);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  drivers::ChargerSettings s;
  const auto& models = drivers::charger_models();
  s.model = models[in.pick(models.size())];
  s.unit = static_cast<std::uint8_t>(1 + in.pick(247));
  s.min_current = 6 + in.pick(10);
  s.max_current = s.min_current + in.pick(40);
  s.failsafe_current = in.pick(2) ? 0.0 : s.min_current;
  s.watchdog_timeout = in.pick(120);
  s.phases = in.pick(2) ? 3 : 1;
  if (s.model == "generic") generic_table(s, in);
  auto made = drivers::make_charger(s);
  if (!made.charger) return 0;
  drivers::Charger& c = *made.charger;

  drivers::Clock::time_point now{};
  while (!in.empty()) {
    fuzz::poll_cycles(c, in, now);
    const auto caps = c.capabilities();
    const drivers::ChargerState& st = c.state();
    (void)st.vendor_state.size();
    const double amps = in.u16() / 100.0;
    const auto set = c.set_current(amps);
    check_command(set);
    if (set.ok()) FUZZ_CHECK(amps >= caps.min_current && amps <= caps.max_current);
    switch (in.pick(7)) {
      case 0: check_command(c.set_phases(in.pick(2) ? 3 : 1)); break;
      case 1: check_command(c.start()); break;
      case 2: check_command(c.stop()); break;
      case 3: check_command(c.authorize()); break;
      case 4: check_command(c.program_watchdog(in.pick(600), in.pick(33))); break;
      case 5: check_command(c.keep_alive()); break;
      default: check_command(c.set_socket_lock(static_cast<drivers::SocketLock>(in.pick(3)))); break;
    }
  }
  return 0;
}
