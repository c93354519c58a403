#include "drivers/registers.h"

#include <bit>
#include <cmath>
#include <limits>

namespace ampgate::drivers {

using modbus::RegisterSpec;
using modbus::ValueType;
using modbus::WordOrder;

std::uint64_t assemble_words(std::span<const std::uint16_t> words, WordOrder order) {
  std::uint64_t raw = 0;
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n; ++i) {
    // high_first: words[0] is the most significant; low_first: words[0] the least.
    const std::uint16_t w = order == WordOrder::high_first ? words[i] : words[n - 1 - i];
    raw = (raw << 16) | w;
  }
  return raw;
}

std::vector<std::uint16_t> split_words(std::uint64_t raw, std::uint16_t count, WordOrder order) {
  std::vector<std::uint16_t> words(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    const auto w = static_cast<std::uint16_t>(raw >> (16 * i));  // i = 0 is the least significant
    if (order == WordOrder::low_first) {
      words[i] = w;
    } else {
      words[count - 1 - i] = w;
    }
  }
  return words;
}

namespace {

// The raw value as a double before scaling, sign-extended for signed types.
double raw_value(ValueType type, std::uint64_t raw) {
  switch (type) {
    case ValueType::u16:
    case ValueType::u32:
    case ValueType::u64: return static_cast<double>(raw);
    case ValueType::s16: return static_cast<double>(static_cast<std::int16_t>(raw));
    case ValueType::s32: return static_cast<double>(static_cast<std::int32_t>(raw));
    case ValueType::s64: return static_cast<double>(static_cast<std::int64_t>(raw));
    case ValueType::f32: return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(raw)));
    case ValueType::f64: return std::bit_cast<double>(raw);
  }
  return 0.0;
}

bool is_signed(ValueType t) { return t == ValueType::s16 || t == ValueType::s32 || t == ValueType::s64; }

}  // namespace

std::optional<double> decode(const RegisterSpec& spec, std::span<const std::uint16_t> words) {
  if (words.size() != spec.word_count()) return std::nullopt;
  const double v = raw_value(spec.type, assemble_words(words, spec.order)) * spec.scale;
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> decode_in_block(const RegisterSpec& spec, std::uint16_t block_start,
                                      std::span<const std::uint16_t> block) {
  if (spec.address < block_start) return std::nullopt;
  const std::size_t offset = spec.address - block_start;
  if (offset + spec.word_count() > block.size()) return std::nullopt;
  return decode(spec, block.subspan(offset, spec.word_count()));
}

bool is_not_available_marker(const RegisterSpec& spec, std::span<const std::uint16_t> words) {
  if (words.size() != spec.word_count() || spec.type == ValueType::f32 || spec.type == ValueType::f64) return false;
  const unsigned bits = 16u * spec.word_count();
  const std::uint64_t raw = assemble_words(words, spec.order);
  const std::uint64_t all_ones = bits == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << bits) - 1);
  return is_signed(spec.type) ? raw == (all_ones >> 1) : raw == all_ones;
}

std::optional<std::vector<std::uint16_t>> encode(const RegisterSpec& spec, double value) {
  if (!std::isfinite(value) || spec.scale == 0.0) return std::nullopt;
  const double raw = value / spec.scale;
  const std::uint16_t n = spec.word_count();
  if (spec.type == ValueType::f32) {
    const double max = std::numeric_limits<float>::max();
    if (raw > max || raw < -max) return std::nullopt;
    return split_words(std::bit_cast<std::uint32_t>(static_cast<float>(raw)), n, spec.order);
  }
  if (spec.type == ValueType::f64) return split_words(std::bit_cast<std::uint64_t>(raw), n, spec.order);
  const double r = std::nearbyint(raw);
  const unsigned bits = 16u * n;
  if (is_signed(spec.type)) {
    // 2^(bits-1) as a double is exact; the upper bound is exclusive.
    const double limit = std::ldexp(1.0, static_cast<int>(bits) - 1);
    if (r < -limit || r >= limit) return std::nullopt;
    return split_words(static_cast<std::uint64_t>(static_cast<std::int64_t>(r)), n, spec.order);
  }
  const double limit = std::ldexp(1.0, static_cast<int>(bits));
  if (r < 0 || r >= limit) return std::nullopt;
  return split_words(static_cast<std::uint64_t>(r), n, spec.order);
}

const char* to_string(ValueType type) {
  switch (type) {
    case ValueType::u16: return "u16";
    case ValueType::s16: return "s16";
    case ValueType::u32: return "u32";
    case ValueType::s32: return "s32";
    case ValueType::u64: return "u64";
    case ValueType::s64: return "s64";
    case ValueType::f32: return "f32";
    case ValueType::f64: return "f64";
  }
  return "?";
}

const char* to_string(WordOrder order) {
  return order == WordOrder::high_first ? "high_first" : "low_first";
}

}  // namespace ampgate::drivers
