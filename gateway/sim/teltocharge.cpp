// TeltoCharge "External control" (Modbus RTU secondary), written from the vendor's wiki
// register map: holding registers 0-44 read with FC3, the R/W ones (14-21) written with
// FC6 or FC16. Register 16 has two readings in the vendor's own pages (the older "External
// control RS485" table: 0-1 "request stop charging"; the newer Dynamic Load Balancing
// table: 0 = do not intervene, 1 = stop session, 2 = start session if stopped); the
// `register_16` setting picks one. docs/simulator.md has the audit table.
#include <algorithm>
#include <bit>
#include <cmath>

#include "gateway/sim/device.h"
#include "gateway/sim/words.h"

namespace ampgate::sim {
namespace {

enum Reg : std::uint16_t {
  phase_to_use = 14,
  amps_to_use = 15,
  stop_request = 16,
  authorize = 17,
  lock = 18,
  comm_timeout = 19,
  failsafe = 20,
  reboot = 21,
  last = 44,
};
constexpr std::uint16_t evse_id = 21571;  // "TC"

// Phase codes of registers 13/14 as a mask of the charger's own lines (bit 0 = L1).
constexpr std::uint8_t line_mask[8] = {0b001, 0b010, 0b100, 0b011, 0b101, 0b110, 0b111, 0};

bool off_or_amps(std::uint16_t v) { return v == 0 || (v >= 6 && v <= 32); }

class TeltoCharge final : public SimCharger {
 public:
  TeltoCharge(const config::Charger& c, bool newer_16, bool stop_ends, bool needs_auth)
      : SimCharger(c), newer_16_(newer_16), stop_ends_(stop_ends), needs_auth_(needs_auth) {
    amp_limit_ = static_cast<std::uint16_t>(std::clamp(std::lround(c.max_current), 6L, 32L));
    connected_ = c.phases == 3 ? 6 : 0;
    power_on();
  }
  std::string model() const override { return "teltocharge"; }

  std::uint8_t read(std::uint8_t function, std::uint16_t address, std::uint16_t count,
                    std::vector<std::uint16_t>& out) const override {
    if (function != 3) return ex_illegal_function;
    if (address + count - 1 > last) return ex_illegal_address;
    const Words image = registers();
    for (int a = address; a < address + count; ++a) out.push_back(image.at(static_cast<std::uint16_t>(a)));
    return 0;
  }

  // A block write is checked whole before anything is applied (all or nothing).
  std::uint8_t write(std::uint16_t address, const std::vector<std::uint16_t>& values, double now) override {
    if (address < phase_to_use || address + values.size() - 1 > reboot) return ex_illegal_address;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!valid(static_cast<std::uint16_t>(address + i), values[i])) return ex_illegal_value;
    for (std::size_t i = 0; i < values.size(); ++i) apply(static_cast<std::uint16_t>(address + i), values[i], now);
    return 0;
  }

  bool watchdog_expired(double now) const override {
    return silent_longer_than(now, last_request_, rw_[comm_timeout - phase_to_use]);
  }

 protected:
  Drive allowance(double now) const override {
    double limit = watchdog_expired(now) ? get(failsafe) : get(amps_to_use);
    limit = std::min<double>(limit, amp_limit_);
    if (stopped_ || (needs_auth_ && !authorized_)) limit = 0;
    const std::uint8_t lines = line_mask[get(phase_to_use)] & line_mask[connected_];
    if (lines == 0) limit = 0;
    return {limit, std::popcount(lines), lines};
  }
  void on_valid_request(bool, double now) override { last_request_ = now; }
  // A stop session request and the authorization belong to one session (the older table's
  // flag holds while it reads 1); the forced unlock resets in state A.
  void on_unplugged() override {
    stopped_ = !newer_16_ && get(stop_request) == 1;
    authorized_ = false;
    set(authorize, 0);
    if (get(lock) == 2) set(lock, 0);
  }

 private:
  std::uint16_t get(std::uint16_t r) const { return rw_[r - phase_to_use]; }
  void set(std::uint16_t r, std::uint16_t v) { rw_[r - phase_to_use] = v; }

  // The vendor's defaults where the table gives one (lock 0, timeout 30 s, failsafe 6 A,
  // reboot 0); amps to use has none, so it starts at the amp limit (the worst case for a
  // fuse), and phase to use starts at the wiring (register 13).
  void power_on() {
    set(phase_to_use, connected_);
    set(amps_to_use, amp_limit_);
    set(stop_request, 0);
    set(authorize, 0);
    set(lock, 0);
    set(comm_timeout, 30);
    set(failsafe, 6);
    set(reboot, 0);
    stopped_ = false;
    authorized_ = false;
  }

  bool valid(std::uint16_t a, std::uint16_t v) const {
    switch (a) {
      case phase_to_use: return v <= 7;
      case amps_to_use: return off_or_amps(v);
      case stop_request: return v <= (newer_16_ ? 2 : 1);
      case authorize: return v <= 1;
      case lock: return v <= 2;
      case comm_timeout: return v <= 600;
      case failsafe: return off_or_amps(v);
      case reboot: return v <= 1;
      default: return false;
    }
  }

  void apply(std::uint16_t a, std::uint16_t v, double now) {
    if (a == reboot) {
      if (v == 1) {  // back to power-on; the car and its session stay
        power_on();
        booted(now);
      }
      return;
    }
    set(a, v);
    if (a == authorize && v == 1) authorized_ = true;
    if (a != stop_request) return;
    if (newer_16_) {
      if (v == 1) stop_session();
      else if (v == 2) stopped_ = false;  // "start session if stopped"; an ended session stays ended
      // 0: do not intervene: a stopped session stays stopped.
    } else {
      if (v == 1) stop_session();
      else stopped_ = false;  // the older table's flag: cleared, charging may go on
    }
  }

  void stop_session() {
    stopped_ = true;
    if (stop_ends_) end_session();
  }

  // Status "a" (EVSE state in DLM), "b" (charge point state) and "c" (IEC state).
  std::array<std::uint16_t, 3> states(double now) const {
    if (!state_.plugged) return {7, 0, 0};
    if (needs_auth_ && !authorized_) return {5, 1, 1};
    if (stopped_ || !sessions().open) return {3, 6, 1};
    if (state_.charging) return {0, 3, 4};
    if (state_.finished) return {4, 5, 2};
    if (drive(now).limit < 6) return {state_.session_seconds > 0 ? std::uint16_t{2} : std::uint16_t{3}, 4, 1};
    return {1, 2, 2};
  }

  Words registers() const {
    Words w;
    for (std::uint16_t r = phase_to_use; r <= reboot; ++r) w[r] = get(r);
    const double now = state_.time;
    const auto volts = clamp_s16(state_.voltage);
    for (std::uint16_t p = 0; p < 3; ++p) {
      w[p] = (line_mask[connected_] >> p) & 1 ? volts : 0;
      w[static_cast<std::uint16_t>(3 + p)] = clamp_s16(state_.amps[p] * 10);
    }
    const auto st = states(now);
    w[6] = st[0];
    // Time in the current plug state, on the charger's own clock (restarts at a reboot).
    const double status_time = std::min(state_.plugged_seconds, std::max(0.0, now - boot_time()));
    put_words_le(w, 7, static_cast<std::uint32_t>(status_time), 2);
    w[9] = evse_id;
    w[10] = config_.phases == 3 ? 1 : 0;
    w[11] = config_.phases == 3 ? 1 : 0;
    w[12] = amp_limit_;
    w[13] = connected_;
    w[22] = needs_auth_ ? 1 : 0;
    w[23] = 1234;
    put_words_le(w, 24, 123456789, 2);
    w[26] = 21000;
    w[27] = st[1];
    w[28] = 30;
    w[29] = amp_limit_;
    w[30] = state_.plugged && get(lock) != 2 ? 1 : 0;
    w[31] = 250;  // 25.0 degrees
    w[32] = 0;
    w[33] = st[2];
    w[34] = 0;
    w[35] = 0;
    w[36] = watchdog_expired(now) ? 5 : get(amps_to_use) >= amp_limit_ ? 0 : 6;
    w[37] = config_.phases == 3 ? (amp_limit_ > 16 ? 2 : 1) : 0;
    w[38] = clamp_u16(state_.power_w);
    w[39] = clamp_u16(state_.session_kwh * 100);
    w[40] = clamp_u16(state_.plugged ? state_.plugged_seconds : 0);
    put_words_le(w, 41, static_cast<std::uint64_t>(std::llround(state_.total_kwh * 100)), 4);
    return w;
  }

  bool newer_16_;
  bool stop_ends_;
  bool needs_auth_;
  std::uint16_t amp_limit_ = 16;
  std::uint16_t connected_ = 6;
  std::array<std::uint16_t, reboot - phase_to_use + 1> rw_{};
  bool stopped_ = false;     // the running session was stopped through register 16
  bool authorized_ = false;  // register 17 written 1 for this session
  double last_request_ = 0.0;
};

}  // namespace

std::unique_ptr<SimCharger> make_teltocharge(const config::Charger& c, const ModelSettings& s, std::string& error) {
  check_setting_keys(s, "teltocharge", {"register_16", "stop_ends_session", "requires_authorization"}, error);
  const bool newer = setting(s, "register_16", {"stop_flag", "start_stop"}, error) == "start_stop";
  const bool ends = setting(s, "stop_ends_session", {"false", "true"}, error) == "true";
  const bool auth = setting(s, "requires_authorization", {"false", "true"}, error) == "true";
  if (!error.empty()) {
    error = "charger " + c.id + ": " + error;
    return nullptr;
  }
  return std::make_unique<TeltoCharge>(c, newer, ends, auth);
}

}  // namespace ampgate::sim
