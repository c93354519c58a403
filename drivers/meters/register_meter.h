#pragma once
// The one generic meter driver: reads the registers of a model's table (or of a custom
// table from the site file), in as few requests as the device allows, and turns them into
// a MeterReading.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drivers/meter.h"
#include "drivers/meters/meter_model.h"

namespace ampgate::drivers {

// One read request and the table entries it serves.
struct ReadGroup {
  modbus::Request request;
  std::vector<TableEntry> entries;
};

// Groups entries into contiguous reads: one function code per request, at most
// `max_read` registers, a new request where more than `max_gap` unused registers would be
// read. Energies go in separate groups (Priority::telemetry); the rest is Priority::meter.
std::vector<ReadGroup> group_reads(std::span<const TableEntry> table, std::uint8_t unit, std::uint16_t max_read,
                                   std::uint16_t max_gap);

class RegisterMeter : public Meter {
 public:
  RegisterMeter(const MeterModel& model, std::uint8_t unit, bool inverted);
  // A custom table: keys as in config::CustomMeterTable.
  RegisterMeter(std::vector<TableEntry> table, std::uint8_t unit, bool inverted);

  std::string model() const override { return model_name_; }
  std::vector<modbus::Request> poll(PollLevel level) const override;
  void on_reply(const modbus::Request& request, const modbus::Reply& reply, Clock::time_point now) override;

  MeterReading reading() const override { return derive_reading(samples_, inverted_); }
  const MeterStats& stats() const override { return stats_; }
  bool inverted() const override { return inverted_; }

  const std::vector<ReadGroup>& groups() const { return groups_; }
  std::uint16_t max_read_registers() const override { return max_read_; }

 private:
  std::string model_name_;
  std::uint16_t max_read_ = modbus::max_read_registers;
  std::vector<TableEntry> table_;
  bool inverted_;
  bool markers_;
  std::vector<ReadGroup> groups_;
  Samples samples_;
  MeterStats stats_;
};

// The site file's custom table (config::CustomMeterTable, kept as its plain type so that
// drivers do not depend on the gateway). Keys: current_l1..3, voltage_l1..3, power_l1..3,
// power_total, import_energy, export_energy.
using CustomTable = std::map<std::string, modbus::RegisterSpec>;

// A table from the site file's `custom` map. Fails with a message naming the bad key.
struct CustomTableResult {
  std::vector<TableEntry> table;
  std::string error;  // empty on success
};
CustomTableResult custom_table(const CustomTable& custom);

// The driver for a meter of the site file (config::Meter's model, unit, inverted, custom),
// or nullptr with `error` set (unknown model, custom model without a usable table).
std::unique_ptr<RegisterMeter> make_meter(std::string_view model, std::uint8_t unit, bool inverted,
                                          const CustomTable* custom, std::string& error);

}  // namespace ampgate::drivers
