#include "drivers/chargers/identify.h"

#include <cstring>

#include "drivers/chargers/common.h"
#include "drivers/chargers/teltocharge_map.h"

namespace ampgate::drivers {

using modbus::Function;
using modbus::Outcome;

namespace {

modbus::Reply probe(modbus::Client& c, std::uint8_t unit, Function fn, std::uint16_t address, std::uint16_t count) {
  auto r = c.execute(chargers::read_request(unit, fn, address, count, modbus::Priority::telemetry, "scan"));
  if (r.ok() && r.registers.size() != count) r.outcome = Outcome::bad_frame;
  return r;
}

std::optional<Identified> keba(modbus::Client& c, std::uint8_t unit) {
  // Product type: six decimal digits (type, cable/socket, current, series, meter, RFID).
  auto r = probe(c, unit, Function::read_holding, 1016, 2);
  if (!r.ok()) return std::nullopt;
  const auto product = chargers::u32_of(r.registers[0], r.registers[1], false);
  if (product < 100000 || product > 999999) return std::nullopt;
  return Identified{Identified::Kind::charger, "keba_p30", "KEBA product type " + std::to_string(product), false};
}

std::optional<Identified> vestel(modbus::Client& c, std::uint8_t unit) {
  auto r = probe(c, unit, Function::read_input, 1000, 5);
  if (!r.ok()) return std::nullopt;
  const auto& v = r.registers;
  if (v[0] > 8 || v[1] > 1 || v[2] > 4 || v[4] > 3) return std::nullopt;
  auto phases = probe(c, unit, Function::read_input, 404, 1);
  if (!phases.ok() || phases.registers[0] > 1) return std::nullopt;
  return Identified{Identified::Kind::charger, "vestel_evc04",
                    std::string("Vestel-style state block, ") + (phases.registers[0] ? "3" : "1") + "-phase unit", false};
}

std::optional<Identified> smartevse(modbus::Client& c, std::uint8_t unit) {
  auto status = probe(c, unit, Function::read_holding, 0x0000, 12);
  auto node = probe(c, unit, Function::read_holding, 0x0100, 4);
  if (!status.ok() || !node.ok()) return std::nullopt;
  const auto& s = status.registers;
  const auto& n = node.registers;
  const bool plausible = s[0] <= 14 && s[3] <= 2 && s[5] <= 2 && n[0] <= 1 && n[1] <= 2 && n[2] >= 6 &&
                         n[2] <= n[3] && n[3] <= 80;
  if (!plausible) return std::nullopt;
  return Identified{Identified::Kind::charger, "smartevse",
                    "SmartEVSE-style status, MIN " + std::to_string(n[2]) + " A MAX " + std::to_string(n[3]) + " A",
                    false};
}

}  // namespace

std::optional<Identified> identify_meter(modbus::Client& c, std::uint8_t unit) {
  // Eastron-style: phase-1 voltage as a float at input register 0. Other families need
  // their own signature; they then show as unknown.
  auto r = probe(c, unit, Function::read_input, 0, 2);
  if (!r.ok()) return std::nullopt;
  const std::uint32_t bits = chargers::u32_of(r.registers[0], r.registers[1], false);
  float volts;
  std::memcpy(&volts, &bits, sizeof volts);
  if (!(volts > 80.0f && volts < 300.0f)) return std::nullopt;
  return Identified{Identified::Kind::meter, "sdm630",
                    "float voltage " + std::to_string(static_cast<int>(volts)) + " V at input register 0 "
                    "(Eastron SDM layout; check the exact model)", false};
}

std::optional<Identified> identify_unit(modbus::Client& c, std::uint8_t unit) {
  // TeltoCharge first: one register, and the answer is unmistakable.
  auto r = probe(c, unit, Function::read_holding, teltocharge::reg::evse_id, 1);
  if (r.outcome == Outcome::timeout || r.outcome == Outcome::io_error || r.outcome == Outcome::backed_off)
    return std::nullopt;
  if (r.ok() && r.registers[0] == teltocharge::evse_id_value) {
    std::string detail = "EVSE ID register 9 reads 21571 (\"TC\")";
    auto product = probe(c, unit, Function::read_holding, teltocharge::reg::product_code, 1);
    if (product.ok()) detail += ", product EVC" + std::to_string(product.registers[0]);
    return Identified{Identified::Kind::charger, "teltocharge", detail, true};
  }
  for (auto* guess : {&keba, &vestel, &smartevse})
    if (auto id = guess(c, unit)) return id;
  if (auto m = identify_meter(c, unit)) return m;
  return Identified{Identified::Kind::unknown, "", "answers, but matches no known signature", false};
}

}  // namespace ampgate::drivers
