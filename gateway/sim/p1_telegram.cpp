#include "gateway/sim/p1_telegram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ampgate::sim {

namespace {

using namespace std::chrono;

// The last Sunday of `m` in year `y`, 01:00 UTC: when EU summer time starts (March) or ends (October).
sys_seconds eu_switch(year y, month m) {
  const sys_days sunday{y / m / Sunday[std::chrono::last]};
  return sunday + hours{1};
}

std::string hex(std::string_view text) {
  std::string out;
  char b[3];
  for (const char c : text) {
    std::snprintf(b, sizeof b, "%02X", static_cast<unsigned char>(c));
    out += b;
  }
  return out;
}

std::string fixed(const char* format, double v) {
  char b[32];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

// DSMR fixed formats: energies F9(3) "000123.456", powers F5(3) "01.234", voltages F4(1).
std::string kwh(double v) { return fixed("%010.3f", std::clamp(v, 0.0, 999999.999)); }
std::string kw(double w) { return fixed("%06.3f", std::clamp(w / 1000.0, 0.0, 99.999)); }

}  // namespace

std::string dsmr_timestamp(system_clock::time_point t) {
  const auto secs = floor<seconds>(t);
  const year y = year_month_day{floor<days>(secs)}.year();
  const bool summer = secs >= eu_switch(y, March) && secs < eu_switch(y, October);
  const auto local = secs + hours{summer ? 2 : 1};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{local - day};
  char b[16];
  std::snprintf(b, sizeof b, "%02d%02u%02u%02d%02d%02d%c", static_cast<int>(ymd.year()) % 100,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()), summer ? 'S' : 'W');
  return b;
}

std::uint16_t dsmr_crc(std::string_view bytes) {
  std::uint16_t crc = 0;
  for (const char c : bytes) {
    crc ^= static_cast<std::uint8_t>(c);
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

std::string dsmr5_telegram(const std::string& meter_id, const MeterState& s, system_clock::time_point t, bool damaged) {
  double import_kwh = 0, export_kwh = 0, import_w = 0, export_w = 0;
  for (int p = 0; p < 3; ++p) {
    import_kwh += s.import_kwh[p];
    export_kwh += s.export_kwh[p];
    if (s.power_w[p] >= 0) import_w += s.power_w[p];
    else export_w -= s.power_w[p];
  }
  std::string b = "/AMP5\\2SIM-" + meter_id + "\r\n\r\n";
  auto line = [&b](const char* obis, const std::string& v) { b += std::string(obis) + "(" + v + ")\r\n"; };
  line("1-3:0.2.8", "50");
  line("0-0:1.0.0", dsmr_timestamp(t));
  line("0-0:96.1.1", hex("SIM" + meter_id));
  // A simulated meter has one tariff: everything on tariff 1.
  line("1-0:1.8.1", kwh(import_kwh) + "*kWh");
  line("1-0:1.8.2", kwh(0) + "*kWh");
  line("1-0:2.8.1", kwh(export_kwh) + "*kWh");
  line("1-0:2.8.2", kwh(0) + "*kWh");
  line("0-0:96.14.0", "0001");
  line("1-0:1.7.0", kw(import_w) + "*kW");
  line("1-0:2.7.0", kw(export_w) + "*kW");
  const char* volts[3] = {"1-0:32.7.0", "1-0:52.7.0", "1-0:72.7.0"};
  const char* amps[3] = {"1-0:31.7.0", "1-0:51.7.0", "1-0:71.7.0"};
  const char* p_in[3] = {"1-0:21.7.0", "1-0:41.7.0", "1-0:61.7.0"};
  const char* p_out[3] = {"1-0:22.7.0", "1-0:42.7.0", "1-0:62.7.0"};
  for (int p = 0; p < 3; ++p) line(volts[p], fixed("%05.1f", std::clamp(s.voltage[p], 0.0, 999.9)) + "*V");
  // The standard gives currents in whole amperes without a sign; the direction is in the powers.
  for (int p = 0; p < 3; ++p) line(amps[p], fixed("%03.0f", std::min(std::round(std::abs(s.amps[p])), 999.0)) + "*A");
  for (int p = 0; p < 3; ++p) line(p_in[p], kw(std::max(s.power_w[p], 0.0)) + "*kW");
  for (int p = 0; p < 3; ++p) line(p_out[p], kw(std::max(-s.power_w[p], 0.0)) + "*kW");
  b += "!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X\r\n", static_cast<unsigned>(dsmr_crc(b) ^ (damaged ? 0x5A5A : 0)));
  return b + crc;
}

nlohmann::json homewizard_data(const std::string& meter_id, const MeterState& s) {
  double import_kwh = 0, export_kwh = 0, power = 0;
  for (int p = 0; p < 3; ++p) {
    import_kwh += s.import_kwh[p];
    export_kwh += s.export_kwh[p];
    power += s.power_w[p];
  }
  nlohmann::json j = {
      {"wifi_ssid", "sim"},          {"wifi_strength", 100},
      {"smr_version", 50},           {"meter_model", "AMP SIM " + meter_id},
      {"unique_id", hex("SIM" + meter_id)}, {"active_tariff", 1},
      {"total_power_import_kwh", import_kwh}, {"total_power_import_t1_kwh", import_kwh},
      {"total_power_import_t2_kwh", 0.0},     {"total_power_export_kwh", export_kwh},
      {"total_power_export_t1_kwh", export_kwh}, {"total_power_export_t2_kwh", 0.0},
      {"active_power_w", std::round(power)},
  };
  const char* p_key[3] = {"active_power_l1_w", "active_power_l2_w", "active_power_l3_w"};
  const char* u_key[3] = {"active_voltage_l1_v", "active_voltage_l2_v", "active_voltage_l3_v"};
  const char* i_key[3] = {"active_current_l1_a", "active_current_l2_a", "active_current_l3_a"};
  for (int p = 0; p < 3; ++p) {
    j[p_key[p]] = std::round(s.power_w[p]);
    j[u_key[p]] = std::round(s.voltage[p] * 10) / 10;
    j[i_key[p]] = std::round(std::abs(s.amps[p]));  // relayed from the meter's whole amperes
  }
  return j;
}

}  // namespace ampgate::sim
