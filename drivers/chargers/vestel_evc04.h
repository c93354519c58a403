#pragma once
// Vestel EVC04 (also Webasto/Ampure Unite, E.ON vBox) over Modbus TCP: input registers for
// state and measurements, holding registers for setpoint, failsafe and the alive register.
#include <optional>
#include <string>

#include "drivers/chargers/common.h"

namespace ampgate::drivers {

struct VestelDetail {
  std::optional<std::string> charge_point_state;  // OCPP-like, register 1000
  std::optional<std::string> equipment_state;     // register 1002
  std::optional<std::string> cable_state;         // register 1004
  std::optional<std::uint32_t> fault_code;        // register 1006
  std::array<std::optional<double>, 3> phase_power{};  // W
  std::optional<double> session_max_current, evse_min_current, evse_max_current, cable_max_current;  // A
  std::optional<double> session_duration_s;
  std::optional<bool> three_phase_unit;          // register 404
  std::optional<double> failsafe_current;        // A
  std::optional<double> failsafe_timeout_s;
};

class VestelEvc04 final : public chargers::ChargerBase {
 public:
  explicit VestelEvc04(ChargerSettings settings) : ChargerBase(std::move(settings)) {}

  std::string model() const override { return "vestel_evc04"; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  Capabilities capabilities() const override;
  const VestelDetail& detail() const { return detail_; }

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
  void decode_live(const std::vector<std::uint16_t>& r);
  std::optional<std::uint16_t> last_setpoint_;  // what start() restores
  VestelDetail detail_;
};

}  // namespace ampgate::drivers
