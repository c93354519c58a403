#pragma once
// SmartEVSE v3 over Modbus RTU (9600 8N1), driven as a standalone/master unit through its
// status block 0x0000..0x000B. Nodes 2..8 obey the master's broadcast instead; emulating that
// master is not done here.
#include <optional>
#include <string>

#include "drivers/chargers/common.h"

namespace ampgate::drivers {

struct SmartEvseDetail {
  std::optional<std::string> state;        // register 0x0000
  std::optional<std::string> access;       // 0x0005: off, on, pause
  std::optional<std::string> mode;         // 0x0003: normal, smart, solar
  std::optional<double> balanced_current;  // A, 0x0002
  std::optional<double> max_current;       // A, 0x0007
  std::optional<double> solar_timer_s;     // 0x0004
  std::optional<double> config_min_current, config_max_current;  // A, 0x0102 / 0x0103
  std::optional<std::uint16_t> contactor2;  // 0x0218 CONTACT 2, when the block read looks right
};

class SmartEvse final : public chargers::ChargerBase {
 public:
  explicit SmartEvse(ChargerSettings settings) : ChargerBase(std::move(settings)) {}

  std::string model() const override { return "smartevse"; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  Capabilities capabilities() const override;
  const SmartEvseDetail& detail() const { return detail_; }

  CommandResult set_current(double amps) override;
  CommandResult set_phases(int phases) override;
  CommandResult start() override;
  CommandResult stop() override;
  CommandResult authorize() override;
  CommandResult program_watchdog(double timeout_s, double failsafe_a) override;
  CommandResult keep_alive() override;

  static constexpr double fixed_watchdog_s = 11.0;  // firmware COMM_TIMEOUT

 protected:
  void decode(const modbus::Request& request, const std::vector<std::uint16_t>& regs) override;
  void clear(const modbus::Request& request) override;

 private:
  std::optional<std::uint16_t> last_setpoint_;  // 0.1 A, re-written by keep_alive()
  SmartEvseDetail detail_;
};

}  // namespace ampgate::drivers
