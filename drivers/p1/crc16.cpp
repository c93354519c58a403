#include "drivers/p1/crc16.h"

namespace ampgate::drivers::p1 {

std::uint16_t crc16(std::string_view bytes) {
  std::uint16_t crc = 0;
  for (const char ch : bytes) {
    crc ^= static_cast<std::uint8_t>(ch);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

}  // namespace ampgate::drivers::p1
