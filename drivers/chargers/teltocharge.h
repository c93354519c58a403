#pragma once
// Teltonika TeltoCharge as a Modbus RTU secondary ("External control RS485"): the full
// register map 0..44, every enumeration and bit field decoded into names.
#include <optional>
#include <string>

#include "drivers/chargers/common.h"

namespace ampgate::drivers {

// Everything the map says beyond the common ChargerState, decoded; empty when stale.
struct TeltoChargeDetail {
  std::optional<std::string> evse_status;         // table a
  std::optional<std::string> charge_point_state;  // table b
  std::optional<std::string> iec_state;           // table c
  std::optional<std::uint32_t> status_time_s;     // time in the current EVSE status
  std::optional<bool> evse_id_ok;                 // register 9 == 21571
  std::optional<bool> three_phase_possible;
  std::optional<bool> phase_change_possible;
  std::optional<double> amp_limit;                // A the EVSE can supply (0 = none)
  std::optional<std::string> phase_connected;
  std::optional<std::string> phase_to_use;
  std::optional<double> amps_to_use;              // the setpoint as read back
  std::optional<bool> stop_requested;
  std::optional<bool> authorize_requested;
  std::optional<std::string> socket_lock_mode;
  std::optional<double> comm_timeout_s;           // 0 = no watchdog
  std::optional<double> failsafe_current;
  std::optional<bool> requires_authorization;
  std::optional<double> max_power_from_grid;      // A, installer setting
  std::optional<double> user_max_current;         // A
  std::optional<bool> socket_locked;
  std::optional<bool> ocpp_connected;
  std::optional<std::string> max_supported_power;
  std::optional<double> session_duration_s;
};

class TeltoCharge final : public chargers::ChargerBase {
 public:
  explicit TeltoCharge(ChargerSettings settings) : ChargerBase(std::move(settings)) {}

  std::string model() const override { return "teltocharge"; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  Capabilities capabilities() const override;
  const TeltoChargeDetail& detail() const { return detail_; }

  CommandResult set_current(double amps) override;
  CommandResult set_phases(int phases) override;
  CommandResult start() override;
  CommandResult stop() override;
  CommandResult end_session() override;
  CommandResult resume_session() override;
  CommandResult authorize() override;
  CommandResult program_watchdog(double timeout_s, double failsafe_a) override;
  CommandResult keep_alive() override;
  CommandResult set_socket_lock(SocketLock lock) override;

  static constexpr const char* live_tag = "live registers 0-40";
  static constexpr const char* lifetime_tag = "lifetime energy 41-44";

 protected:
  void decode(const modbus::Request& request, const std::vector<std::uint16_t>& regs) override;
  void clear(const modbus::Request& request) override;
  void written(const modbus::Request& request, const modbus::Reply& reply) override;

 private:
  void decode_live(const std::vector<std::uint16_t>& r);
  // Register 17 = 1 when the charger requires authorization and a car waits for it.
  void add_authorization(CommandResult& r) const;
  bool awaits_authorization() const;
  CommandResult resume_write() const;

  std::optional<std::uint16_t> last_setpoint_;  // re-written by keep_alive(); 0 while paused
  // Register 16 in the seed's two tables: the older one takes 0-1 ("request stop charging",
  // 0 lets it charge again), the newer 0-2 (0 "do not intervene", 1 stop session, 2 start
  // session if stopped). 2 is tried first; a device that refuses it, or still reports
  // "stopped by user" after it, gets 0 from then on.
  bool start_value_two_ = true;
  int resume_reads_ = -1;  // live reads since a resume with 2 was written; -1 = none pending
  bool resume_retry_ = false;  // the resume with 2 did not take: write 0 at the next chance
  TeltoChargeDetail detail_;
};

}  // namespace ampgate::drivers
