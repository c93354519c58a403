#include "drivers/chargers/generic_charger.h"
#include "drivers/chargers/keba_p30.h"
#include "drivers/chargers/smartevse.h"
#include "drivers/chargers/teltocharge.h"
#include "drivers/chargers/vestel_evc04.h"

namespace ampgate::drivers {

const std::vector<std::string>& charger_models() {
  static const std::vector<std::string> m = {"teltocharge", "keba_p30", "vestel_evc04", "smartevse", "generic"};
  return m;
}

MakeChargerResult make_charger(const ChargerSettings& s) {
  if (auto e = chargers::check_settings(s); !e.empty()) return {nullptr, s.model + ": " + e};
  if (s.model == "teltocharge") return {std::make_unique<TeltoCharge>(s), {}};
  if (s.model == "keba_p30") return {std::make_unique<KebaP30>(s), {}};
  if (s.model == "vestel_evc04") return {std::make_unique<VestelEvc04>(s), {}};
  if (s.model == "smartevse") return {std::make_unique<SmartEvse>(s), {}};
  if (s.model == "generic") {
    if (auto e = check_generic_table(s); !e.empty()) return {nullptr, e};
    return {std::make_unique<GenericCharger>(s), {}};
  }
  std::string known;
  for (const auto& m : charger_models()) known += (known.empty() ? "" : ", ") + m;
  return {nullptr, "unknown charger model '" + s.model + "' (known: " + known + ")"};
}

}  // namespace ampgate::drivers
