#include "gateway/config_models.h"

namespace ampgate::config {

using drivers::DeviceKind;

std::span<const ModelInfo> meter_models() { return drivers::device_models(DeviceKind::meter); }
std::span<const ModelInfo> charger_models() { return drivers::device_models(DeviceKind::charger); }
const ModelInfo* find_meter_model(std::string_view name) { return drivers::find_device_model(DeviceKind::meter, name); }
const ModelInfo* find_charger_model(std::string_view name) {
  return drivers::find_device_model(DeviceKind::charger, name);
}

}  // namespace ampgate::config
