#pragma once
// The device models a site file may name, as the loader sees them: drivers/registry.h holds
// the one table, so the loader, the docs test, `ampgate check`, `ampgate scan` and the
// driver factory agree on the spelling and on how each model is reached.
#include <span>
#include <string_view>

#include "drivers/registry.h"

namespace ampgate::config {

// The models are drivers/'s registry (drivers/registry.h); the loader reads it through these.
using Reach = drivers::Reach;
using ModelInfo = drivers::DeviceModel;

std::span<const ModelInfo> meter_models();
std::span<const ModelInfo> charger_models();
const ModelInfo* find_meter_model(std::string_view name);
const ModelInfo* find_charger_model(std::string_view name);

}  // namespace ampgate::config
