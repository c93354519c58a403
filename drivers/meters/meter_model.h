#pragma once
// A meter model is data: which registers carry which quantity, plus the few facts about
// the device that the gateway and `ampgate scan` need (default unit id and serial
// settings, request limits, how to recognise it). docs/meters.md lists the sources and
// which facts are unconfirmed.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "drivers/meters/quantity.h"
#include "drivers/modbus.h"

namespace ampgate::drivers {

struct TableEntry {
  Quantity quantity;
  modbus::RegisterSpec spec;
};

struct SerialDefaults {
  int baud = 9600;
  char parity = 'N';  // 'N', 'E', 'O'
  int data_bits = 8;
  int stop_bits = 1;
};

// A read that tells whether a device at some unit id looks like this model.
struct Signature {
  modbus::Request request;  // never a write
  // Whether the reply registers (exactly request.count of them) look like this model.
  bool (*matches)(std::span<const std::uint16_t> registers) = nullptr;
  std::string_view what;   // what the read checks, for scan output and docs
};

struct MeterModel {
  std::string_view name;          // as in the site file: "sdm630"
  std::string_view description;   // "Eastron SDM630 (three phase)"
  std::span<const TableEntry> table;
  std::uint8_t default_unit = 1;
  std::optional<SerialDefaults> serial;  // nullopt: factory settings not confirmed
  bool tcp = false;                      // reached over Modbus TCP (Shelly)
  // The device's "not available" markers (all ones / largest positive) mean missing.
  bool not_available_markers = false;
  std::uint16_t max_read = modbus::max_read_registers;  // registers per request
  std::uint16_t max_gap = 16;  // unused registers read rather than starting a new request
  std::optional<Signature> signature;
  std::string_view unconfirmed;  // facts the sources did not confirm; empty when none
};

// nullptr when unknown. "custom" is not a model: its table comes from the site file.
const MeterModel* find_meter_model(std::string_view name);
// Every built-in model, in the order `ampgate scan` tries their signatures.
std::span<const MeterModel> meter_models();
// Model names accepted in the site file: the built-in ones and "custom".
std::vector<std::string_view> meter_model_names();

inline constexpr std::string_view custom_meter_model = "custom";

}  // namespace ampgate::drivers
