#pragma once
// A charger described entirely by the site file: which register holds the setpoint, the
// enable switch (or a setpoint that takes 0 A: the way to pause), the status, the
// measurements and, when given, the watchdog's timeout and failsafe registers, each with
// type, word order and scale.
#include <optional>
#include <string>

#include "drivers/chargers/common.h"

namespace ampgate::drivers {

// Why a generic table cannot be used; empty when it can.
std::string check_generic_table(const ChargerSettings& s);

class GenericCharger final : public chargers::ChargerBase {
 public:
  explicit GenericCharger(ChargerSettings settings) : ChargerBase(std::move(settings)) {}

  std::string model() const override { return "generic"; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  Capabilities capabilities() const override;
  std::optional<double> raw_status() const { return raw_status_; }

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
  CommandResult write_value(const std::string& key, double value_in_unit, const std::string& tag) const;
  std::optional<double>* slot(const std::string& key);
  std::optional<double> raw_status_;
  std::optional<double> last_setpoint_;       // A; what start() resumes at without an enable register
  std::optional<double> watchdog_timeout_s_;  // what keep_alive() re-writes
};

}  // namespace ampgate::drivers
