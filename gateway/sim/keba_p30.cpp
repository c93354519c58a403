// KEBA KeContact P30 over Modbus TCP (unit 255 in the field): FC3 reads of exactly two
// registers (one u32 value, high word first) at the documented addresses, FC6 writes of
// single u16 values. Anything else is refused, as the manual says the unit does.
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

class KebaP30 final : public SimCharger {
 public:
  explicit KebaP30(const config::Charger& c) : SimCharger(c) {
    max_ma_ = static_cast<std::uint32_t>(std::lround(c.max_current * 1000));
    current_ma_ = max_ma_;
  }
  std::string model() const override { return "keba_p30"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3) return ex_illegal_function;
    const Words w = registers();
    if (count != 2 || !w.contains(address)) return ex_illegal_address;
    out = {w.at(address), w.at(static_cast<std::uint16_t>(address + 1))};
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    if (values.size() != 1) return ex_illegal_value;
    const std::uint16_t v = values[0];
    switch (address) {
      case 5004:
        if (v < 6000 || v > 63000) return ex_illegal_value;
        current_ma_ = v;
        return 0;
      case 5014:
        if (v > 1) return ex_illegal_value;
        enabled_ = v == 1;
        return 0;
      case 5016:
        if (v != 0 && (v < 6000 || v > 63000)) return ex_illegal_value;
        failsafe_ma_ = v;
        return 0;
      case 5018:
        failsafe_timeout_ = v;
        return 0;
      case 5052:
        if (v > 1) return ex_illegal_value;
        three_phase_ = v == 1;
        return 0;
      case 5010: case 5012: case 5020: case 5050:
        return 0;  // accepted; not modelled
      default:
        return ex_illegal_address;
    }
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_write_, failsafe_timeout_);
  }

  Drive drive(double now) const override {
    if (!enabled_) return {0.0, 0};
    const double ma = watchdog_expired(now) ? failsafe_ma_ : std::min<double>(current_ma_, max_ma_);
    return {ma / 1000.0, three_phase_ ? config_.phases : 1};
  }

 protected:
  bool supports(std::uint8_t function) const override { return function == 3 || function == 6; }
  // The manual's keep-alive is a write (evcc re-writes the failsafe timeout); reads do not count.
  void on_valid_request(bool is_write, double now) override {
    if (is_write) last_write_ = now;
  }

 private:
  Words registers() const {
    Words w;
    const double now = state_.time;
    std::uint32_t charging_state = 2;
    if (!enabled_) charging_state = state_.plugged ? 5 : 1;
    else if (state_.charging) charging_state = 3;
    put_u32_be(w, 1000, charging_state);
    put_u32_be(w, 1004, state_.plugged ? 7 : 0);
    put_u32_be(w, 1006, 0);
    for (int p = 0; p < 3; ++p) {
      put_u32_be(w, static_cast<std::uint16_t>(1008 + 2 * p), clamp_u32(state_.amps[p] * 1000));
      put_u32_be(w, static_cast<std::uint16_t>(1040 + 2 * p), p < config_.phases ? clamp_u32(state_.voltage) : 0);
    }
    put_u32_be(w, 1014, 22334455);
    put_u32_be(w, 1016, 304111);
    put_u32_be(w, 1018, 0x030A0D00);
    put_u32_be(w, 1020, clamp_u32(state_.power_w * 1000));
    put_u32_be(w, 1036, clamp_u32(state_.total_kwh * 10000));  // 0.1 Wh, as evcc reads it
    put_u32_be(w, 1046, 1000);
    put_u32_be(w, 1100, clamp_u32(drive(now).limit * 1000));
    put_u32_be(w, 1110, max_ma_);
    put_u32_be(w, 1500, 0);
    put_u32_be(w, 1502, clamp_u32(state_.session_kwh * 10000));
    put_u32_be(w, 1550, 3);
    put_u32_be(w, 1552, three_phase_ ? 1 : 0);
    put_u32_be(w, 1600, failsafe_ma_);
    put_u32_be(w, 1602, failsafe_timeout_);
    return w;
  }

  std::uint32_t max_ma_ = 16000;
  double current_ma_ = 16000;
  bool enabled_ = true;
  bool three_phase_ = true;
  std::uint32_t failsafe_ma_ = 6000;
  std::uint32_t failsafe_timeout_ = 0;  // off until configured
  double last_write_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_keba_p30(const config::Charger& c) { return std::make_unique<KebaP30>(c); }

}  // namespace ampgate::sim
