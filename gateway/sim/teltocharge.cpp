// TeltoCharge "External control RS485": holding registers 0-44, read with FC3, written with
// FC6/FC16. Written from the vendor's register table (docs/simulator.md lists what the
// simulator answers). Range checks answer exception 3; writes to read-only registers
// answer exception 2.
#include <algorithm>
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

constexpr std::uint16_t reg_phase_to_use = 14;
constexpr std::uint16_t reg_amps_to_use = 15;
constexpr std::uint16_t reg_stop = 16;
constexpr std::uint16_t reg_authorize = 17;
constexpr std::uint16_t reg_lock = 18;
constexpr std::uint16_t reg_comm_timeout = 19;
constexpr std::uint16_t reg_failsafe = 20;
constexpr std::uint16_t reg_reboot = 21;
constexpr std::uint16_t last_register = 44;
constexpr std::uint16_t teltocharge_id = 21571;  // "TC"

bool off_or_amps(std::uint16_t v) { return v == 0 || (v >= 6 && v <= 32); }

class TeltoCharge final : public SimCharger {
 public:
  explicit TeltoCharge(const config::Charger& c) : SimCharger(c) {
    amp_limit_ = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 32L));
    rw_[reg_phase_to_use] = c.phases == 3 ? 6 : 0;
    rw_[reg_amps_to_use] = amp_limit_;  // an unconfigured charger gives what it can
    rw_[reg_stop] = 0;
    rw_[reg_authorize] = 0;
    rw_[reg_lock] = 0;
    rw_[reg_comm_timeout] = 30;
    rw_[reg_failsafe] = 6;
    rw_[reg_reboot] = 0;
  }
  std::string model() const override { return "teltocharge"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3) return ex_illegal_function;
    if (address + count - 1 > last_register) return ex_illegal_address;
    const Words image = registers();
    for (std::uint16_t a = address; a < address + count; ++a) out.push_back(image.at(a));
    return 0;
  }

  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double) override {
    if (address + values.size() - 1 > last_register) return ex_illegal_address;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto a = static_cast<std::uint16_t>(address + i);
      if (!rw_.contains(a)) return ex_illegal_address;
      if (!valid(a, values[i])) return ex_illegal_value;
    }
    for (std::size_t i = 0; i < values.size(); ++i) rw_[static_cast<std::uint16_t>(address + i)] = values[i];
    rw_[reg_reboot] = 0;  // a reboot request is taken and forgotten
    return 0;
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_request_, rw_.at(reg_comm_timeout));
  }

  Drive drive(double now) const override {
    double limit = watchdog_expired(now) ? rw_.at(reg_failsafe) : rw_.at(reg_amps_to_use);
    if (rw_.at(reg_stop) == 1) limit = 0;
    limit = std::min<double>(limit, amp_limit_);
    const auto use = rw_.at(reg_phase_to_use);
    const int phases = use <= 2 ? 1 : use <= 5 ? 2 : use == 6 ? 3 : 0;
    if (phases == 0) limit = 0;
    return {limit, std::min(phases, config_.phases)};
  }

 protected:
  void on_valid_request(bool, double now) override { last_request_ = now; }

 private:
  static bool valid(std::uint16_t a, std::uint16_t v) {
    switch (a) {
      case reg_phase_to_use: return v <= 7;
      case reg_amps_to_use: return off_or_amps(v);
      case reg_stop: return v <= 1;
      case reg_authorize: return v <= 1;
      case reg_lock: return v <= 2;
      case reg_comm_timeout: return v <= 600;
      case reg_failsafe: return off_or_amps(v);
      case reg_reboot: return v <= 1;
      default: return false;
    }
  }

  // Status "a" (DLM state) and "b" (charge point state) and the IEC state from the car.
  std::array<std::uint16_t, 3> states(double now) const {
    if (!state_.plugged) return {7, 0, 0};
    if (state_.charging) return {0, 3, 4};
    if (state_.finished) return {4, 5, 3};
    if (drive(now).limit < 6) return {3, 4, 2};
    return {1, 2, 2};
  }

  Words registers() const {
    Words w = rw_;
    const double now = state_.time;
    const auto v = clamp_s16(state_.voltage);
    for (std::uint16_t p = 0; p < 3; ++p) {
      w[p] = p < config_.phases ? v : 0;
      w[static_cast<std::uint16_t>(3 + p)] = clamp_s16(state_.amps[p] * 10);
    }
    const auto st = states(now);
    w[6] = st[0];
    // Time in the current state; the charger's own clock, so it restarts at a reboot.
    const double status_time = std::min(state_.plugged_seconds, std::max(0.0, now - boot_time()));
    put_words_le(w, 7, static_cast<std::uint32_t>(status_time), 2);
    w[9] = teltocharge_id;
    w[10] = config_.phases == 3 ? 1 : 0;
    w[11] = config_.phases == 3 ? 1 : 0;
    w[12] = amp_limit_;
    w[13] = config_.phases == 3 ? 6 : 0;
    w[22] = 0;
    w[23] = 2100;
    put_words_le(w, 24, 123456789, 2);
    w[26] = 21000;
    w[27] = st[1];
    w[28] = 30;
    w[29] = amp_limit_;
    w[30] = state_.plugged ? 1 : 0;
    w[31] = 250;
    w[32] = 0;
    w[33] = st[2];
    w[34] = 0;
    w[35] = 0;
    w[36] = watchdog_expired(now) ? 5 : 6;  // default settings after comm loss, else load balance
    w[37] = config_.phases == 3 ? (amp_limit_ > 16 ? 2 : 1) : 0;
    w[38] = clamp_u16(state_.power_w);
    w[39] = clamp_u16(state_.session_kwh * 100);
    w[40] = clamp_u16(state_.session_seconds);
    put_words_le(w, 41, static_cast<std::uint64_t>(std::llround(state_.total_kwh * 100)), 4);
    return w;
  }

  std::uint16_t amp_limit_ = 16;
  Words rw_;
  double last_request_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_teltocharge(const config::Charger& c) { return std::make_unique<TeltoCharge>(c); }

}  // namespace ampgate::sim
