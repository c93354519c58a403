// Every meter model's decode (and a custom table from the site file): fuzzed replies to its
// own polls. The reading never carries NaN or infinity, and a failed read leaves values
// absent or old, never fresh.
#include <cmath>

#include "drivers/meters/register_meter.h"
#include "tests/fuzz/device_replies.h"

namespace {

using namespace ampgate;

void check_finite(const std::optional<drivers::Sample>& s) {
  if (s) FUZZ_CHECK(std::isfinite(s->value));
}

std::unique_ptr<drivers::RegisterMeter> meter_from(fuzz::Bytes& in) {
  const auto models = drivers::meter_models();
  const std::size_t choice = in.pick(models.size() + 1);
  const auto unit = static_cast<std::uint8_t>(1 + in.pick(247));
  const bool inverted = in.pick(2);
  if (choice < models.size()) return std::make_unique<drivers::RegisterMeter>(models[choice], unit, inverted);
  drivers::CustomTable custom;
  const char* keys[] = {"current_l1", "current_l2", "current_l3", "voltage_l1", "voltage_l2", "voltage_l3",
                        "power_l1", "power_l2", "power_l3", "power_total", "import_energy", "export_energy"};
  for (const char* k : keys) {
    if (in.pick(3) == 0) continue;
    modbus::RegisterSpec r;
    r.function = in.pick(2) ? modbus::Function::read_input : modbus::Function::read_holding;
    r.address = in.u16() % 1024;
    r.type = static_cast<modbus::ValueType>(in.pick(8));
    r.order = in.pick(2) ? modbus::WordOrder::low_first : modbus::WordOrder::high_first;
    r.scale = in.pick(2) ? 1.0 : 0.001;
    custom[k] = r;
  }
  std::string error;
  return drivers::make_meter(drivers::custom_meter_model, unit, inverted, &custom, error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  auto m = meter_from(in);
  if (!m) return 0;
  drivers::Clock::time_point now{};
  while (!in.empty()) {
    fuzz::poll_cycles(*m, in, now);
    const auto r = m->reading();
    for (int i = 0; i < 3; ++i) {
      check_finite(r.current[i]);
      check_finite(r.voltage[i]);
      check_finite(r.power[i]);
    }
    check_finite(r.power_total);
    check_finite(r.import_energy);
    check_finite(r.export_energy);
    if (auto u = r.updated()) FUZZ_CHECK(*u <= now);
  }
  return 0;
}
