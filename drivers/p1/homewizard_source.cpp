#include <httplib.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "drivers/meters/quantity.h"
#include "drivers/p1/plausible.h"
#include "drivers/p1/source.h"

namespace ampgate::drivers::p1 {

namespace {

// Every accessor checks the type first: nlohmann's typed getters throw on a mismatch, and a
// device answering `{"unique_id":0}` must be a counted failure of that device, not the end
// of the process. A measurement of the wrong type or an impossible number rejects the
// answer; identity fields of the wrong type are left empty.
bool put(Samples& s, Quantity q, const nlohmann::json& doc, const char* field, double scale, Clock::time_point t,
         std::string& error) {
  const auto it = doc.find(field);
  if (it == doc.end() || it->is_null()) return true;  // a single-phase meter leaves out L2, L3
  if (!it->is_number()) {
    error = std::string("field ") + field + " is a " + it->type_name() + ", not a number";
    return false;
  }
  const double v = it->get<double>() * scale;
  if (!plausible(q, v)) {
    error = std::string("impossible value ") + it->dump() + " for " + field;
    return false;
  }
  at(s, q) = Sample{v, t};
  return true;
}

std::string text(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<int> small_int(const nlohmann::json& doc, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_number_integer()) return std::nullopt;
  const auto v = it->get<std::int64_t>();
  if (v < 0 || v > 1000000) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace

std::optional<Telegram> parse_homewizard_v1(const std::string& json, Clock::time_point t, std::string& error) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "answer is not a JSON object";
    return std::nullopt;
  }
  Samples s;
  using Q = Quantity;
  bool ok = true;
  ok = ok && put(s, Q::power_total, doc, "active_power_w", 1, t, error);  // negative = export
  ok = ok && put(s, Q::power_l1, doc, "active_power_l1_w", 1, t, error);
  ok = ok && put(s, Q::power_l2, doc, "active_power_l2_w", 1, t, error);
  ok = ok && put(s, Q::power_l3, doc, "active_power_l3_w", 1, t, error);
  ok = ok && put(s, Q::voltage_l1, doc, "active_voltage_l1_v", 1, t, error);
  ok = ok && put(s, Q::voltage_l2, doc, "active_voltage_l2_v", 1, t, error);
  ok = ok && put(s, Q::voltage_l3, doc, "active_voltage_l3_v", 1, t, error);
  ok = ok && put(s, Q::current_l1, doc, "active_current_l1_a", 1, t, error);
  ok = ok && put(s, Q::current_l2, doc, "active_current_l2_a", 1, t, error);
  ok = ok && put(s, Q::current_l3, doc, "active_current_l3_a", 1, t, error);
  ok = ok && put(s, Q::import_energy, doc, "total_power_import_kwh", 1000, t, error);
  ok = ok && put(s, Q::export_energy, doc, "total_power_export_kwh", 1000, t, error);
  ok = ok && put(s, Q::import_energy_t1, doc, "total_power_import_t1_kwh", 1000, t, error);
  ok = ok && put(s, Q::import_energy_t2, doc, "total_power_import_t2_kwh", 1000, t, error);
  ok = ok && put(s, Q::export_energy_t1, doc, "total_power_export_t1_kwh", 1000, t, error);
  ok = ok && put(s, Q::export_energy_t2, doc, "total_power_export_t2_kwh", 1000, t, error);
  if (!ok) return std::nullopt;
  if (std::none_of(s.begin(), s.end(), [](const auto& v) { return v.has_value(); })) {
    error = "answer has no measurements";
    return std::nullopt;
  }
  Telegram tg;
  tg.header = "HomeWizard " + text(doc, "meter_model");
  if (const auto v = small_int(doc, "smr_version")) tg.version = std::to_string(*v);
  tg.equipment_id = text(doc, "unique_id");
  tg.tariff = small_int(doc, "active_tariff");
  tg.crc_checked = true;  // the device checks the telegram's CRC before publishing it
  tg.reading = derive_reading(s, false, true);
  return tg;
}

std::string HomeWizardSource::describe() const {
  return "HomeWizard http://" + host_ + ":" + std::to_string(port_) + "/api/v1/data";
}

P1Result HomeWizardSource::read(std::chrono::milliseconds timeout) {
  httplib::Client client(host_, port_);
  const auto sec = timeout.count() / 1000;
  const auto usec = (timeout.count() % 1000) * 1000;
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  const auto res = client.Get("/api/v1/data");
  if (!res) {
    ++counters_.bad;  // no answer is a failed read of this device, like a Modbus timeout
    return fail(describe() + ": " + httplib::to_string(res.error()));
  }
  if (res->status == 403) {
    ++counters_.bad;
    return fail(describe() + ": 403 Forbidden - enable \"Local API\" for this meter in the HomeWizard app");
  }
  if (res->status != 200) {
    ++counters_.bad;
    return fail(describe() + ": HTTP " + std::to_string(res->status));
  }
  std::string error;
  std::optional<Telegram> t;
  try {
    t = parse_homewizard_v1(res->body, Clock::now(), error);
  } catch (const std::exception& e) {  // a parser bug must stay this device's failure
    error = std::string("unreadable answer: ") + e.what();
  }
  if (!t) {
    ++counters_.bad;
    return fail(describe() + ": " + error);
  }
  ++counters_.good;
  return P1Result{std::move(t), {}};
}

}  // namespace ampgate::drivers::p1
