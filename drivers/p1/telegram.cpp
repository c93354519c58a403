#include "drivers/p1/telegram.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "drivers/meters/quantity.h"
#include "drivers/p1/crc16.h"
#include "drivers/p1/plausible.h"

namespace ampgate::drivers::p1 {

namespace {

using Q = Quantity;

struct ObisMap {
  std::string_view obis;
  Q quantity;
};

// Electricity objects (channel 1-0) the reading uses; powers in kW, energies in kWh.
constexpr std::array<ObisMap, 24> electricity{{
    {"1-0:1.8.0", Q::import_energy},       {"1-0:2.8.0", Q::export_energy},
    {"1-0:1.8.1", Q::import_energy_t1},    {"1-0:1.8.2", Q::import_energy_t2},
    {"1-0:2.8.1", Q::export_energy_t1},    {"1-0:2.8.2", Q::export_energy_t2},
    {"1-0:1.7.0", Q::power_import_total},  {"1-0:2.7.0", Q::power_export_total},
    {"1-0:21.7.0", Q::power_import_l1},    {"1-0:41.7.0", Q::power_import_l2},
    {"1-0:61.7.0", Q::power_import_l3},    {"1-0:22.7.0", Q::power_export_l1},
    {"1-0:42.7.0", Q::power_export_l2},    {"1-0:62.7.0", Q::power_export_l3},
    {"1-0:31.7.0", Q::current_l1},         {"1-0:51.7.0", Q::current_l2},
    {"1-0:71.7.0", Q::current_l3},         {"1-0:32.7.0", Q::voltage_l1},
    {"1-0:52.7.0", Q::voltage_l2},         {"1-0:72.7.0", Q::voltage_l3},
    // DSMR 2.2 meters may omit the "1-0:" channel.
    {"1.8.1", Q::import_energy_t1},        {"1.8.2", Q::import_energy_t2},
    {"2.8.1", Q::export_energy_t1},        {"2.8.2", Q::export_energy_t2},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// "001.234*kW" -> 1234 (W). nullopt when not a number or the unit is unknown.
std::optional<double> si_value(std::string_view v) {
  const auto star = v.find('*');
  const std::string_view number = v.substr(0, star);
  const std::string_view unit = star == std::string_view::npos ? std::string_view{} : v.substr(star + 1);
  double x = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), x);
  if (ec != std::errc{} || ptr != number.data() + number.size() || number.empty()) return std::nullopt;
  if (unit == "kW" || unit == "kWh") return x * 1000.0;
  if (unit == "W" || unit == "Wh" || unit == "V" || unit == "A" || unit.empty()) return x;
  return std::nullopt;
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

std::string hex_ascii(std::string_view s) {
  if (s.size() % 2 != 0 || !is_hex(s)) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// "YYMMDDhhmmssX": the meter's local time, X = S (summer, UTC+2) or W (winter, UTC+1);
// DSMR and e-MUCS meters keep Central European time. nullopt when malformed or without flag.
std::optional<std::chrono::system_clock::time_point> meter_time(std::string_view v) {
  if (v.size() != 13 || (v[12] != 'S' && v[12] != 'W')) return std::nullopt;
  int f[6];
  for (int i = 0; i < 6; ++i) {
    const char* b = v.data() + 2 * i;
    if (!std::isdigit(static_cast<unsigned char>(b[0])) || !std::isdigit(static_cast<unsigned char>(b[1]))) return std::nullopt;
    f[i] = (b[0] - '0') * 10 + (b[1] - '0');
  }
  using namespace std::chrono;
  const year_month_day date{year{2000 + f[0]}, month{static_cast<unsigned>(f[1])}, day{static_cast<unsigned>(f[2])}};
  if (!date.ok() || f[3] > 23 || f[4] > 59 || f[5] > 59) return std::nullopt;
  const auto local = sys_days{date} + hours{f[3]} + minutes{f[4]} + seconds{f[5]};
  return local - hours{v[12] == 'S' ? 2 : 1};
}

ParseResult reject(std::string why) { return ParseResult{std::nullopt, std::move(why)}; }

}  // namespace

ParseResult parse_telegram(std::string_view text, Clock::time_point received) {
  if (text.empty() || text.front() != '/') return reject("telegram does not start with '/'");
  const auto bang = text.find("\n!");
  if (bang == std::string_view::npos) return reject("truncated telegram: no end line '!'");
  const std::size_t end = bang + 1;  // index of '!'
  const std::string_view crc_text = trim(text.substr(end + 1));

  Telegram t;
  if (!crc_text.empty()) {
    if (crc_text.size() > 4 || !is_hex(crc_text)) return reject("malformed CRC '" + std::string(crc_text) + "'");
    unsigned sent = 0;
    std::from_chars(crc_text.data(), crc_text.data() + crc_text.size(), sent, 16);
    const unsigned computed = crc16(text.substr(0, end + 1));
    if (sent != computed) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "CRC mismatch: telegram says %04X, computed %04X", sent, computed);
      return reject(msg);
    }
    t.crc_checked = true;
  }

  const auto header_end = text.find('\n');
  t.header = std::string(trim(text.substr(1, header_end - 1)));
  Samples samples;
  std::size_t pos = header_end + 1;
  int line_no = 1;
  while (pos < end) {
    const auto nl = text.find('\n', pos);
    const std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '(') continue;  // blank line, DSMR 2.2 gas value line
    const auto open = line.find('(');
    if (open == std::string_view::npos || line.back() != ')') {
      return reject("malformed line " + std::to_string(line_no) + ": '" + std::string(line) + "'");
    }
    const std::string_view obis = line.substr(0, open);
    // The last bracket group holds the value (earlier ones are timestamps).
    const auto last_open = line.rfind('(');
    const std::string_view value = line.substr(last_open + 1, line.size() - last_open - 2);
    if (obis == "1-3:0.2.8") {
      t.version = std::string(value);
    } else if (obis == "0-0:96.1.4") {
      t.version = std::string(value);
      t.belgian = true;
    } else if (obis == "0-0:1.0.0") {
      t.meter_time = meter_time(value);
    } else if (obis == "0-0:96.1.1") {
      t.equipment_id = hex_ascii(value);
    } else if (obis == "0-0:96.14.0") {
      int v = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), v).ec == std::errc{}) t.tariff = v;
    } else {
      for (const auto& m : electricity) {
        if (m.obis != obis) continue;
        const auto v = si_value(value);
        if (!v) return reject("bad value '" + std::string(value) + "' for " + std::string(obis));
        // from_chars reads "nan" and "inf"; a CRC only proves the bytes, not that they make sense.
        if (!plausible(m.quantity, *v)) {
          return reject("impossible value '" + std::string(value) + "' for " + std::string(obis));
        }
        at(samples, m.quantity) = Sample{*v, received};
      }
    }
  }
  if (!t.crc_checked && !t.version.empty()) {
    return reject("DSMR " + t.version + " telegram without CRC");
  }
  t.reading = derive_reading(samples, false, true);
  return ParseResult{std::move(t), {}};
}

void TelegramReader::feed(std::string_view bytes) {
  for (const char ch : bytes) {
    if (!in_telegram_) {
      if (ch == '/') {
        in_telegram_ = true;
        current_.assign(1, ch);
      } else {
        ++skipped_;
      }
      continue;
    }
    const bool line_start = current_.back() == '\n';
    if (ch == '/') {
      // '/' only ever starts a telegram. One arriving inside a telegram (a line cut short,
      // or the end line without its line end) means this one is damaged: it is dropped and
      // the new one read whole, so one damaged telegram costs one telegram, not two. A '/'
      // that never got to the end of a header line was noise, not a telegram.
      if (current_.find('\n') != std::string::npos) ++dropped_;
      else skipped_ += current_.size();
      current_.assign(1, ch);
      after_bang_ = false;
      continue;
    }
    current_.push_back(ch);
    if (after_bang_) {
      if (ch == '\n' || current_.size() - current_.rfind('!') > 8) {
        ready_.push_back(std::move(current_));
        current_.clear();
        in_telegram_ = after_bang_ = false;
      }
    } else if (ch == '!' && line_start) {
      after_bang_ = true;
    } else if (current_.size() > max_size_) {
      ++dropped_;
      current_.clear();
      in_telegram_ = false;
    }
  }
}

std::optional<std::string> TelegramReader::next() {
  if (ready_pos_ >= ready_.size()) {
    ready_.clear();
    ready_pos_ = 0;
    return std::nullopt;
  }
  return std::move(ready_[ready_pos_++]);
}

}  // namespace ampgate::drivers::p1
