// Vestel EVC04 over Modbus TCP: measurements as input registers (FC4; block reads across
// the status area are accepted), control as holding registers (FC3/FC6): phase selection
// 405, failsafe current 2000 and timeout 2002, dynamic current 5004 (0 = pause), and the
// alive register 6000. Writes feed the failsafe timer.
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

class VestelEvc04 final : public SimCharger {
 public:
  explicit VestelEvc04(const config::Charger& c) : SimCharger(c) {
    max_a_ = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 32L));
    holding_[405] = c.phases == 3 ? 1 : 0;
    holding_[2000] = 6;
    holding_[2002] = 0;  // failsafe off until configured
    holding_[5004] = max_a_;
    holding_[6000] = 0;
  }
  std::string model() const override { return "vestel_evc04"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function == 3) {
      for (std::uint16_t a = address; a < address + count; ++a) {
        if (!holding_.contains(a)) return ex_illegal_address;
        out.push_back(a == 6000 ? 0 : holding_.at(a));
      }
      return 0;
    }
    if (function != 4) return ex_illegal_function;
    // The input area is 100..1599; gaps inside it read as zero (a 107-register block from
    // 1000 is known to work on the real unit).
    if (address < 100 || address + count > 1600) return ex_illegal_address;
    const Words w = inputs();
    for (std::uint16_t a = address; a < address + count; ++a) {
      auto it = w.find(a);
      out.push_back(it == w.end() ? 0 : it->second);
    }
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      const auto v = values[i];
      if (!holding_.contains(a)) return ex_illegal_address;
      const bool ok = a == 405 ? v <= 1
                    : a == 2000 || a == 5004 ? (v == 0 || (v >= 6 && v <= 32))
                    : a == 6000 ? v <= 1
                    : true;
      if (!ok) return ex_illegal_value;
    }
    for (std::size_t i = 0; i < values.size(); ++i) holding_[static_cast<std::uint16_t>(address + i)] = values[i];
    return 0;
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_write_, holding_.at(2002));
  }

  Drive drive(double now) const override {
    const double a = watchdog_expired(now) ? holding_.at(2000) : holding_.at(5004);
    return {std::min<double>(a, max_a_), holding_.at(405) == 1 ? config_.phases : 1};
  }

 protected:
  void on_valid_request(bool is_write, double now) override {
    if (is_write) last_write_ = now;
  }

 private:
  Words inputs() const {
    Words w;
    put_string(w, 100, "SIM" + config_.id, 25);
    put_string(w, 190, "Vestel", 10);
    put_string(w, 210, "EVC04", 5);
    put_string(w, 230, "v3.187.0", 50);
    put_u32_be(w, 400, clamp_u32(max_a_ * state_.voltage * config_.phases));
    w[404] = config_.phases == 3 ? 1 : 0;
    std::uint16_t cp_state = 0;
    if (state_.plugged) cp_state = state_.charging ? 2 : drive(state_.time).limit < 6 ? 3 : 4;
    w[1000] = cp_state;
    w[1001] = state_.charging ? 1 : 0;
    w[1002] = 1;
    w[1004] = state_.plugged ? 3 : 0;
    put_u32_be(w, 1006, 0);
    for (int p = 0; p < 3; ++p) {
      w[static_cast<std::uint16_t>(1008 + 2 * p)] = clamp_u16(state_.amps[p] * 1000);
      w[static_cast<std::uint16_t>(1014 + 2 * p)] = p < config_.phases ? clamp_u16(state_.voltage) : 0;
      put_u32_be(w, static_cast<std::uint16_t>(1024 + 4 * p), clamp_u32(state_.amps[p] * state_.voltage));
    }
    put_u32_be(w, 1020, clamp_u32(state_.power_w));
    put_u32_be(w, 1036, clamp_u32(state_.total_kwh * 10));
    w[1100] = clamp_u16(drive(state_.time).limit);
    w[1102] = 6;
    w[1104] = max_a_;
    w[1106] = 32;
    put_u32_be(w, 1502, clamp_u32(state_.session_kwh * 1000));
    put_u32_be(w, 1508, clamp_u32(state_.session_seconds));
    return w;
  }

  std::uint16_t max_a_ = 16;
  Words holding_;
  double last_write_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_vestel_evc04(const config::Charger& c) { return std::make_unique<VestelEvc04>(c); }

}  // namespace ampgate::sim
