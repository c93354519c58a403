#include "drivers/chargers/common.h"
#include "drivers/registry.h"

namespace ampgate::drivers {

const std::vector<std::string>& charger_models() {
  static const std::vector<std::string> m = [] {
    std::vector<std::string> names;
    for (auto n : device_model_names(DeviceKind::charger)) names.emplace_back(n);
    return names;
  }();
  return m;
}

MakeChargerResult make_charger(const ChargerSettings& s) {
  if (auto e = chargers::check_settings(s); !e.empty()) return {nullptr, s.model + ": " + e};
  if (const auto* model = find_device_model(DeviceKind::charger, s.model)) return model->make(s);
  std::string known;
  for (const auto& m : charger_models()) known += (known.empty() ? "" : ", ") + m;
  return {nullptr, "unknown charger model '" + s.model + "' (known: " + known + ")"};
}

}  // namespace ampgate::drivers
