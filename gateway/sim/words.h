#pragma once
// Helpers that lay multi-register values out in 16-bit words, in the orders devices use.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

namespace ampgate::sim {

// A sparse register image: wire address -> word.
using Words = std::map<std::uint16_t, std::uint16_t>;

inline std::uint16_t clamp_u16(double v) {
  return static_cast<std::uint16_t>(std::clamp(std::lround(v), 0L, 65535L));
}
inline std::uint16_t clamp_s16(double v) {
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::clamp(std::lround(v), -32768L, 32767L)));
}
inline std::uint32_t clamp_u32(double v) {
  if (!(v > 0)) return 0;
  return v >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(std::llround(v));
}
// High word first (ABCD).
inline void put_u32_be(Words& w, std::uint16_t at, std::uint32_t v) {
  w[at] = static_cast<std::uint16_t>(v >> 16);
  w[static_cast<std::uint16_t>(at + 1)] = static_cast<std::uint16_t>(v & 0xFFFF);
}
inline void put_f32_be(Words& w, std::uint16_t at, float v) { put_u32_be(w, at, std::bit_cast<std::uint32_t>(v)); }
// Low word first, `n` words.
inline void put_words_le(Words& w, std::uint16_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) w[static_cast<std::uint16_t>(at + i)] = static_cast<std::uint16_t>((v >> (16 * i)) & 0xFFFF);
}
// One character per register, padded with zeros to `n` registers.
inline void put_string(Words& w, std::uint16_t at, const std::string& s, int n) {
  for (int i = 0; i < n; ++i)
    w[static_cast<std::uint16_t>(at + i)] = i < static_cast<int>(s.size()) ? static_cast<unsigned char>(s[i]) : 0;
}

}  // namespace ampgate::sim
