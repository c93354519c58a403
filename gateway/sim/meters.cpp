// Eastron SDM630: measurements as input registers (FC4), every value a float32 with the
// high word first, read in whole register pairs only (odd start or odd count is refused),
// at most 80 registers per request. Settings as holding registers (FC3, FC16).
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

constexpr std::uint16_t last_input = 0x0165;
constexpr std::uint16_t max_registers = 80;

class Sdm630 final : public SimMeter {
 public:
  explicit Sdm630(const config::Meter& m) : SimMeter(m) {
    put_f32_be(settings_, 0x0012, 0.0f);                         // 8N1
    put_f32_be(settings_, 0x0014, static_cast<float>(m.unit));  // address
    put_f32_be(settings_, 0x0018, 1000.0f);                      // password
    put_f32_be(settings_, 0x001C, 2.0f);                         // 9600 baud
  }
  std::string model() const override { return "sdm630"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3 && function != 4) return ex_illegal_function;
    if (address % 2 != 0 || count % 2 != 0) return ex_illegal_address;
    if (count > max_registers) return ex_illegal_value;
    if (function == 3) {
      for (std::uint16_t a = address; a < address + count; ++a) {
        if (!settings_.contains(a)) return ex_illegal_address;
        out.push_back(settings_.at(a));
      }
      return 0;
    }
    if (address + count - 1 > last_input) return ex_illegal_address;
    const Words w = inputs();
    for (std::uint16_t a = address; a < address + count; ++a) {
      auto it = w.find(a);
      out.push_back(it == w.end() ? 0 : it->second);
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    if (values.size() != 2 || !settings_.contains(address) || address % 2 != 0) return ex_illegal_address;
    settings_[address] = values[0];
    settings_[static_cast<std::uint16_t>(address + 1)] = values[1];
    return 0;
  }

 private:
  Words inputs() const {
    Words w;
    const auto& s = state_;
    auto f = [&w](std::uint16_t at, double v) { put_f32_be(w, at, static_cast<float>(v)); };
    double total_p = 0, total_import = 0, total_export = 0;
    for (int p = 0; p < 3; ++p) {
      const auto i = static_cast<std::uint16_t>(p);
      f(static_cast<std::uint16_t>(0x0000 + 2 * i), s.voltage[p]);
      f(static_cast<std::uint16_t>(0x0006 + 2 * i), std::fabs(s.amps[p]));  // current has no sign
      f(static_cast<std::uint16_t>(0x000C + 2 * i), s.power_w[p]);
      f(static_cast<std::uint16_t>(0x0012 + 2 * i), std::fabs(s.power_w[p]));
      f(static_cast<std::uint16_t>(0x0018 + 2 * i), 0.0);
      f(static_cast<std::uint16_t>(0x001E + 2 * i), 1.0);
      f(static_cast<std::uint16_t>(0x015A + 2 * i), s.import_kwh[p]);
      f(static_cast<std::uint16_t>(0x0160 + 2 * i), s.export_kwh[p]);
      total_p += s.power_w[p];
      total_import += s.import_kwh[p];
      total_export += s.export_kwh[p];
    }
    f(0x0034, total_p);
    f(0x0038, std::fabs(total_p));
    f(0x003C, 0.0);
    f(0x003E, 1.0);
    f(0x0046, s.frequency);
    f(0x0048, total_import);
    f(0x004A, total_export);
    f(0x004C, 0.0);
    f(0x004E, 0.0);
    f(0x0156, total_import + total_export);
    return w;
  }

  Words settings_;
};

// Smart-Stuff P1 Modbus dongle: holding registers (FC3), every value a uint32 with the
// high word first; 0xFFFFFFFF marks a value the smart meter does not provide.
class P1Dongle final : public SimMeter {
 public:
  explicit P1Dongle(const config::Meter& m) : SimMeter(m) {}
  std::string model() const override { return "p1_dongle"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3) return ex_illegal_function;
    const Words w = registers();
    for (std::uint16_t a = address; a < address + count; ++a) {
      if (!w.contains(a)) return ex_illegal_address;
      out.push_back(w.at(a));
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    if (values.size() != 1) return ex_illegal_value;
    if (address != 0 && address != 2 && address != 4 && address != 6) return ex_illegal_address;
    return 0;  // configuration accepted; the simulated line does not change
  }

 protected:
  bool supports(std::uint8_t function) const override { return function == 3 || function == 6; }

 private:
  Words registers() const {
    Words w;
    const auto& s = state_;
    constexpr std::uint32_t absent = 0xFFFFFFFF;
    double import_wh = 0, export_wh = 0, import_w = 0, export_w = 0;
    for (int p = 0; p < 3; ++p) {
      import_wh += s.import_kwh[p] * 1000;
      export_wh += s.export_kwh[p] * 1000;
      const auto i = static_cast<std::uint16_t>(p);
      put_u32_be(w, static_cast<std::uint16_t>(18 + 2 * i), clamp_u32(s.voltage[p] * 1000));
      put_u32_be(w, static_cast<std::uint16_t>(24 + 2 * i), clamp_u32(std::fabs(s.amps[p]) * 1000));
      put_u32_be(w, static_cast<std::uint16_t>(38 + 2 * i), clamp_u32(std::max(0.0, s.power_w[p])));
      put_u32_be(w, static_cast<std::uint16_t>(44 + 2 * i), clamp_u32(std::max(0.0, -s.power_w[p])));
      import_w += std::max(0.0, s.power_w[p]);
      export_w += std::max(0.0, -s.power_w[p]);
    }
    put_u32_be(w, 0, clamp_u32(s.unix_time));
    put_u32_be(w, 2, clamp_u32(import_wh));  // the simulated site stays on tariff 1
    put_u32_be(w, 4, 0);
    put_u32_be(w, 6, clamp_u32(export_wh));
    put_u32_be(w, 8, 0);
    put_u32_be(w, 10, clamp_u32(import_wh));
    put_u32_be(w, 12, clamp_u32(export_wh));
    // The smart meter reports the net flow: either import or export, never both.
    const double net = import_w - export_w;
    put_u32_be(w, 14, clamp_u32(std::max(0.0, net)));
    put_u32_be(w, 16, clamp_u32(std::max(0.0, -net)));
    put_u32_be(w, 30, absent);
    put_u32_be(w, 32, absent);
    put_u32_be(w, 34, absent);
    put_u32_be(w, 36, absent);
    put_u32_be(w, 100, config_.unit);
    put_u32_be(w, 102, 0);
    put_u32_be(w, 104, 38400);
    put_u32_be(w, 106, 0);
    put_u32_be(w, 108, 0x010201);
    put_u32_be(w, 110, 0x50314D33);  // "P1M3"
    return w;
  }
};

}  // namespace

std::unique_ptr<SimMeter> make_sdm630(const config::Meter& m) { return std::make_unique<Sdm630>(m); }
std::unique_ptr<SimMeter> make_p1_dongle(const config::Meter& m) { return std::make_unique<P1Dongle>(m); }

std::unique_ptr<SimCharger> make_teltocharge(const config::Charger& c, const ModelSettings& s, std::string& error);
std::unique_ptr<SimCharger> make_keba_p30(const config::Charger& c, const ModelSettings& s, std::string& error);
std::unique_ptr<SimCharger> make_vestel_evc04(const config::Charger& c, const ModelSettings& s, std::string& error);
std::unique_ptr<SimCharger> make_smartevse(const config::Charger& c, const ModelSettings& s, std::string& error);
std::unique_ptr<SimCharger> make_generic_charger(const config::Charger& c, std::string& error);

std::unique_ptr<SimCharger> make_charger(const config::Charger& c, const ModelSettings& settings, std::string& error) {
  if (c.model == "teltocharge") return make_teltocharge(c, settings, error);
  if (c.model == "keba_p30") return make_keba_p30(c, settings, error);
  if (c.model == "vestel_evc04") return make_vestel_evc04(c, settings, error);
  if (c.model == "smartevse") return make_smartevse(c, settings, error);
  if (c.model == "generic") {
    check_setting_keys(settings, "generic", {}, error);
    if (!error.empty()) {
      error = "charger " + c.id + ": " + error;
      return nullptr;
    }
    return make_generic_charger(c, error);
  }
  error = "charger " + c.id + ": model '" + c.model +
          "' is not simulated (simulated: teltocharge, keba_p30, vestel_evc04, smartevse, generic)";
  return nullptr;
}

std::unique_ptr<SimCharger> make_charger(const config::Charger& c, std::string& error) {
  return make_charger(c, {}, error);
}

std::unique_ptr<SimMeter> make_meter(const config::Meter& m, std::string& error) {
  if (m.model == "sdm630") return make_sdm630(m);
  if (m.model == "p1_dongle") return make_p1_dongle(m);
  error = "meter " + m.id + ": model '" + m.model + "' is not simulated (simulated: sdm630, p1_dongle)";
  return nullptr;
}

}  // namespace ampgate::sim
