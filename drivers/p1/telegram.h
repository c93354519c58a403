#pragma once
// DSMR P1 telegrams (2.2, 3.0, 4.x, 5.0 and the Belgian e-MUCS): parsing one telegram into
// a MeterReading, and finding telegrams in a byte stream. A telegram with a bad CRC, or
// one cut short, is rejected whole: nothing of it reaches the reading.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/meter.h"

namespace ampgate::drivers::p1 {

struct Telegram {
  std::string header;       // identification after '/', e.g. "ISK5\2M550E-1012"
  std::string version;      // "42", "50" (1-3:0.2.8), e-MUCS "50217" (0-0:96.1.4); empty on 2.2
  bool belgian = false;     // e-MUCS: 0-0:96.1.4 present
  bool crc_checked = false; // false only for 2.2/3.0 telegrams, which carry no CRC
  std::string equipment_id; // 0-0:96.1.1 decoded from hex-ASCII when it is
  std::optional<int> tariff;  // 0-0:96.14.0 as sent (meaning differs NL/BE)
  // 0-0:1.0.0, when the telegram carries a well-formed one (DSMR 4+, e-MUCS): when the meter
  // says it measured. Whether to believe it is the reader's choice (see gateway/links).
  std::optional<std::chrono::system_clock::time_point> meter_time;
  MeterReading reading;     // SI, import positive; timestamps = when it was received
};

struct ParseResult {
  std::optional<Telegram> telegram;
  std::string error;  // why it was rejected, when telegram is empty
};

// Parses one complete telegram, from '/' through the line with '!'. `received` stamps
// every value.
ParseResult parse_telegram(std::string_view text, Clock::time_point received);

// Cuts a byte stream (serial, TCP) into candidate telegrams. Bytes outside a telegram are
// skipped; a telegram interrupted by a '/' (the start of another: a '/' never occurs inside
// one), or longer than `max_size`, is dropped and counted.
class TelegramReader {
 public:
  explicit TelegramReader(std::size_t max_size = 16 * 1024) : max_size_(max_size) {}
  void feed(std::string_view bytes);
  // The next complete telegram text, oldest first.
  std::optional<std::string> next();

  std::uint64_t skipped_bytes() const { return skipped_; }
  std::uint64_t dropped_telegrams() const { return dropped_; }

 private:
  std::size_t max_size_;
  std::string current_;  // bytes since the last '/', empty when outside a telegram
  bool in_telegram_ = false;
  bool after_bang_ = false;  // saw '!', waiting for the end of that line
  std::vector<std::string> ready_;
  std::size_t ready_pos_ = 0;
  std::uint64_t skipped_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace ampgate::drivers::p1
