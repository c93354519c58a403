#include <httplib.h>

#include <nlohmann/json.hpp>

#include "drivers/meters/quantity.h"
#include "drivers/p1/source.h"

namespace ampgate::drivers::p1 {

namespace {

void put(Samples& s, Quantity q, const nlohmann::json& doc, const char* field, double scale, Clock::time_point t) {
  const auto it = doc.find(field);
  if (it != doc.end() && it->is_number()) at(s, q) = Sample{it->get<double>() * scale, t};
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
  put(s, Q::power_total, doc, "active_power_w", 1, t);  // negative = export
  put(s, Q::power_l1, doc, "active_power_l1_w", 1, t);
  put(s, Q::power_l2, doc, "active_power_l2_w", 1, t);
  put(s, Q::power_l3, doc, "active_power_l3_w", 1, t);
  put(s, Q::voltage_l1, doc, "active_voltage_l1_v", 1, t);
  put(s, Q::voltage_l2, doc, "active_voltage_l2_v", 1, t);
  put(s, Q::voltage_l3, doc, "active_voltage_l3_v", 1, t);
  put(s, Q::current_l1, doc, "active_current_l1_a", 1, t);
  put(s, Q::current_l2, doc, "active_current_l2_a", 1, t);
  put(s, Q::current_l3, doc, "active_current_l3_a", 1, t);
  put(s, Q::import_energy, doc, "total_power_import_kwh", 1000, t);
  put(s, Q::export_energy, doc, "total_power_export_kwh", 1000, t);
  put(s, Q::import_energy_t1, doc, "total_power_import_t1_kwh", 1000, t);
  put(s, Q::import_energy_t2, doc, "total_power_import_t2_kwh", 1000, t);
  put(s, Q::export_energy_t1, doc, "total_power_export_t1_kwh", 1000, t);
  put(s, Q::export_energy_t2, doc, "total_power_export_t2_kwh", 1000, t);
  Telegram tg;
  tg.header = "HomeWizard " + doc.value("meter_model", std::string{});
  if (const auto v = doc.find("smr_version"); v != doc.end() && v->is_number_integer()) {
    tg.version = std::to_string(v->get<int>());
  }
  tg.equipment_id = doc.value("unique_id", std::string{});
  if (const auto v = doc.find("active_tariff"); v != doc.end() && v->is_number_integer()) tg.tariff = v->get<int>();
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
  if (!res) return fail(describe() + ": " + httplib::to_string(res.error()));
  if (res->status == 403) {
    ++counters_.bad;
    return fail(describe() + ": 403 Forbidden - enable \"Local API\" for this meter in the HomeWizard app");
  }
  if (res->status != 200) {
    ++counters_.bad;
    return fail(describe() + ": HTTP " + std::to_string(res->status));
  }
  std::string error;
  auto t = parse_homewizard_v1(res->body, Clock::now(), error);
  if (!t) {
    ++counters_.bad;
    return fail(describe() + ": " + error);
  }
  ++counters_.good;
  return P1Result{std::move(t), {}};
}

}  // namespace ampgate::drivers::p1
