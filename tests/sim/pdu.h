#pragma once
// Request PDUs built by hand, so device-model tests go through the same entry point as the
// wire without a server.
#include <bit>
#include <cstdint>
#include <vector>

#include "gateway/sim/device.h"

namespace ampgate::sim::test {

inline Pdu read_pdu(std::uint8_t fc, std::uint16_t address, std::uint16_t count) {
  return {fc, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address), static_cast<std::uint8_t>(count >> 8),
          static_cast<std::uint8_t>(count)};
}
inline Pdu write_pdu(std::uint16_t address, std::uint16_t value) {
  return {6, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address), static_cast<std::uint8_t>(value >> 8),
          static_cast<std::uint8_t>(value)};
}
inline Pdu write_multiple_pdu(std::uint16_t address, const std::vector<std::uint16_t>& values) {
  Pdu p{16, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address), 0,
        static_cast<std::uint8_t>(values.size()), static_cast<std::uint8_t>(2 * values.size())};
  for (auto v : values) {
    p.push_back(static_cast<std::uint8_t>(v >> 8));
    p.push_back(static_cast<std::uint8_t>(v));
  }
  return p;
}
// Registers of a read answer (empty for an exception).
inline std::vector<std::uint16_t> words(const Pdu& answer) {
  std::vector<std::uint16_t> out;
  if (answer.size() < 2 || (answer[0] & 0x80)) return out;
  for (std::size_t i = 2; i + 1 < answer.size(); i += 2) out.push_back(static_cast<std::uint16_t>((answer[i] << 8) | answer[i + 1]));
  return out;
}
inline bool is_exception(const Pdu& answer, std::uint8_t code) {
  return answer.size() == 2 && (answer[0] & 0x80) && answer[1] == code;
}
inline float f32(std::uint16_t hi, std::uint16_t lo) {
  return std::bit_cast<float>(static_cast<std::uint32_t>((hi << 16) | lo));
}

}  // namespace ampgate::sim::test
