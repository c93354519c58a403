#pragma once
// KEBA KeContact P30 (c- and x-series) over Modbus TCP: FC3 reads of one 32-bit value each,
// FC6 writes. Unit id 255 on the device; enable with DIP DSW1.3.
#include <optional>
#include <string>

#include "drivers/chargers/common.h"

namespace ampgate::drivers {

struct KebaDetail {
  std::optional<std::string> charging_state;  // 0..5
  std::optional<std::string> cable_state;     // 0, 1, 3, 5, 7
  std::optional<std::uint32_t> error_code;
  std::optional<double> max_supported_current;  // A
  std::optional<double> failsafe_current;       // A
  std::optional<double> failsafe_timeout_s;     // 0 = off
  std::optional<int> phase_switch_state;        // raw 1552
  std::optional<std::uint32_t> phase_switch_source;  // raw 1550 (3 = Modbus)
};

class KebaP30 final : public chargers::ChargerBase {
 public:
  explicit KebaP30(ChargerSettings settings) : ChargerBase(std::move(settings)) {}

  std::string model() const override { return "keba_p30"; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  // KEBA answers only reads of exactly one 32-bit value: never merge them.
  std::uint16_t max_read_registers() const override { return 2; }
  Capabilities capabilities() const override;
  const KebaDetail& detail() const { return detail_; }

  CommandResult set_current(double amps) override;
  CommandResult set_phases(int phases) override;
  CommandResult start() override;
  CommandResult stop() override;
  CommandResult authorize() override;
  CommandResult program_watchdog(double timeout_s, double failsafe_a) override;
  CommandResult keep_alive() override;

 protected:
  void decode(const modbus::Request& request, const std::vector<std::uint16_t>& regs) override;
  void clear(const modbus::Request& request) override;

 private:
  void update_iec();
  std::optional<std::uint32_t> charging_raw_, cable_raw_;
  std::uint16_t watchdog_timeout_s_ = 0;  // what keep_alive() re-writes
  KebaDetail detail_;
};

}  // namespace ampgate::drivers
