#include "drivers/meters/register_meter.h"

#include <algorithm>

#include "drivers/registers.h"

namespace ampgate::drivers {

namespace {

bool same_request(const modbus::Request& a, const modbus::Request& b) {
  return a.unit == b.unit && a.function == b.function && a.address == b.address && a.count == b.count;
}

void group_one_kind(std::vector<TableEntry> entries, std::uint8_t unit, std::uint16_t max_read,
                    std::uint16_t max_gap, bool energy, std::vector<ReadGroup>& out) {
  std::sort(entries.begin(), entries.end(), [](const TableEntry& a, const TableEntry& b) {
    if (a.spec.function != b.spec.function) return a.spec.function < b.spec.function;
    return a.spec.address < b.spec.address;
  });
  ReadGroup* open = nullptr;
  std::uint32_t open_end = 0;  // one past the last register of the open group
  for (const auto& e : entries) {
    const std::uint32_t start = e.spec.address;
    const std::uint32_t end = start + e.spec.word_count();
    const bool fits = open && open->request.function == e.spec.function && start <= open_end + max_gap &&
                      std::max(end, open_end) - open->request.address <= max_read;
    if (!fits) {
      ReadGroup g;
      g.request.unit = unit;
      g.request.function = e.spec.function;
      g.request.address = e.spec.address;
      g.request.priority = energy ? modbus::Priority::telemetry : modbus::Priority::meter;
      g.request.tag = energy ? "meter energy" : "meter values";
      out.push_back(std::move(g));
      open = &out.back();
      open_end = start;
    }
    open_end = std::max(open_end, end);
    open->request.count = static_cast<std::uint16_t>(open_end - open->request.address);
    open->entries.push_back(e);
  }
}

}  // namespace

std::vector<ReadGroup> group_reads(std::span<const TableEntry> table, std::uint8_t unit, std::uint16_t max_read,
                                   std::uint16_t max_gap) {
  max_read = std::clamp<std::uint16_t>(max_read, 1, modbus::max_read_registers);
  std::vector<TableEntry> fast, slow;
  for (const auto& e : table) (is_energy(e.quantity) ? slow : fast).push_back(e);
  std::vector<ReadGroup> out;
  group_one_kind(std::move(fast), unit, max_read, max_gap, false, out);
  group_one_kind(std::move(slow), unit, max_read, max_gap, true, out);
  return out;
}

RegisterMeter::RegisterMeter(const MeterModel& model, std::uint8_t unit, bool inverted)
    : model_name_(model.name),
      max_read_(model.max_read),
      table_(model.table.begin(), model.table.end()),
      inverted_(inverted),
      markers_(model.not_available_markers),
      groups_(group_reads(table_, unit, model.max_read, model.max_gap)) {}

RegisterMeter::RegisterMeter(std::vector<TableEntry> table, std::uint8_t unit, bool inverted)
    : model_name_(custom_meter_model),
      table_(std::move(table)),
      inverted_(inverted),
      markers_(false),
      groups_(group_reads(table_, unit, modbus::max_read_registers, 16)) {}

std::vector<modbus::Request> RegisterMeter::poll(PollLevel level) const {
  std::vector<modbus::Request> out;
  for (const auto& g : groups_) {
    if (level == PollLevel::slow || g.request.priority != modbus::Priority::telemetry) out.push_back(g.request);
  }
  return out;
}

void RegisterMeter::on_reply(const modbus::Request& request, const modbus::Reply& reply, Clock::time_point now) {
  const auto g = std::find_if(groups_.begin(), groups_.end(),
                              [&](const ReadGroup& x) { return same_request(x.request, request); });
  if (g == groups_.end()) return;  // not one of ours
  // A failed or malformed reply leaves every value of the group at its last good read:
  // it ages into staleness, it is never replaced.
  if (!reply.ok()) {
    ++stats_.failed_replies;
    stats_.last_error = std::string(model_name_) + " unit " + std::to_string(request.unit) + " " + request.tag +
                        ": " + modbus::to_string(reply.outcome) + (reply.message.empty() ? "" : " (" + reply.message + ")");
    return;
  }
  if (reply.registers.size() != request.count) {
    ++stats_.failed_replies;
    stats_.last_error = std::string(model_name_) + " unit " + std::to_string(request.unit) + " " + request.tag +
                        ": answered " + std::to_string(reply.registers.size()) + " registers instead of " +
                        std::to_string(request.count);
    return;
  }
  ++stats_.good_replies;
  const std::span<const std::uint16_t> block(reply.registers);
  for (const auto& e : g->entries) {
    const auto offset = e.spec.address - request.address;
    const auto words = block.subspan(offset, e.spec.word_count());
    auto& slot = at(samples_, e.quantity);
    if (markers_ && is_not_available_marker(e.spec, words)) {
      slot.reset();  // the device says it does not have this value
      continue;
    }
    if (const auto v = decode(e.spec, words)) slot = Sample{*v, now};
  }
}

CustomTableResult custom_table(const CustomTable& custom) {
  CustomTableResult r;
  for (const auto& [key, spec] : custom) {
    const auto q = quantity_from_string(key);
    if (!q || *q > Quantity::export_energy) {
      r.error = "custom meter key '" + key +
                "' is not one of current_l1..3, voltage_l1..3, power_l1..3, power_total, import_energy, "
                "export_energy";
      r.table.clear();
      return r;
    }
    if (spec.function != modbus::Function::read_holding && spec.function != modbus::Function::read_input) {
      r.error = "custom meter key '" + key + "' must be read with function 3 or 4";
      r.table.clear();
      return r;
    }
    r.table.push_back({*q, spec});
  }
  if (r.table.empty()) r.error = "custom meter has no registers";
  return r;
}

std::unique_ptr<RegisterMeter> make_meter(std::string_view model, std::uint8_t unit, bool inverted,
                                          const CustomTable* custom, std::string& error) {
  if (model == custom_meter_model) {
    if (!custom) {
      error = "model custom needs a custom register table";
      return nullptr;
    }
    auto t = custom_table(*custom);
    if (!t.error.empty()) {
      error = t.error;
      return nullptr;
    }
    return std::make_unique<RegisterMeter>(std::move(t.table), unit, inverted);
  }
  const MeterModel* m = find_meter_model(model);
  if (!m) {
    error = "unknown meter model '" + std::string(model) + "'";
    return nullptr;
  }
  return std::make_unique<RegisterMeter>(*m, unit, inverted);
}

}  // namespace ampgate::drivers
