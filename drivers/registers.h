#pragma once
// Turning Modbus registers into SI values and back, for every multi-register layout the
// meter tables, the custom meter and the generic charger use (modbus::RegisterSpec).
// Decoding is pure: it never guesses when the words do not fit the spec.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::drivers {

// The 16..64-bit unsigned integer carried by 1, 2 or 4 words in the given word order
// (bytes inside each word are always big-endian, as Modbus sends them).
// Precondition: words.size() is 1, 2 or 4.
std::uint64_t assemble_words(std::span<const std::uint16_t> words, modbus::WordOrder order);

// The words that carry `raw` (the low `count` words of it) in the given order.
std::vector<std::uint16_t> split_words(std::uint64_t raw, std::uint16_t count, modbus::WordOrder order);

// The SI value of `spec` read from exactly spec.word_count() words. nullopt when the word
// count is wrong or the value is not a number (NaN/inf floats).
std::optional<double> decode(const modbus::RegisterSpec& spec, std::span<const std::uint16_t> words);

// The SI value of `spec` taken from a block of registers read from `block_start` (one
// request covering several values). nullopt when the block does not cover the spec.
std::optional<double> decode_in_block(const modbus::RegisterSpec& spec, std::uint16_t block_start,
                                      std::span<const std::uint16_t> block);

// True when the words hold a vendor "not available" marker: all ones for unsigned types,
// the largest positive value for signed ones (ABB EQ meters, the Smart-stuff P1 dongle).
bool is_not_available_marker(const modbus::RegisterSpec& spec, std::span<const std::uint16_t> words);

// The words to write so that the device sees `value` (raw = value / scale, rounded
// to the nearest integer for integer types). nullopt when the value is not finite or does
// not fit the type.
std::optional<std::vector<std::uint16_t>> encode(const modbus::RegisterSpec& spec, double value);

const char* to_string(modbus::ValueType type);    // "u16", "f32", ...
const char* to_string(modbus::WordOrder order);   // "high_first", "low_first"

}  // namespace ampgate::drivers
