// Decoding and encoding of every ValueType and word order used by the register tables.
#include "drivers/registers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using ampgate::drivers::assemble_words;
using ampgate::drivers::decode;
using ampgate::drivers::decode_in_block;
using ampgate::drivers::encode;
using ampgate::drivers::is_not_available_marker;
using ampgate::modbus::RegisterSpec;
using ampgate::modbus::ValueType;
using ampgate::modbus::WordOrder;

namespace {
RegisterSpec spec(ValueType t, WordOrder o = WordOrder::high_first, double scale = 1.0) {
  RegisterSpec s;
  s.type = t;
  s.order = o;
  s.scale = scale;
  return s;
}
using W = std::vector<std::uint16_t>;
}  // namespace

TEST(Registers, SixteenBitTypes) {
  EXPECT_EQ(decode(spec(ValueType::u16), W{0xFFFE}), 65534.0);
  EXPECT_EQ(decode(spec(ValueType::s16), W{0xFFFE}), -2.0);
  EXPECT_NEAR(*decode(spec(ValueType::s16, WordOrder::high_first, 0.1), W{2301}), 230.1, 1e-9);
}

TEST(Registers, ThirtyTwoBitWordOrders) {
  // 0x00012345 = 74565
  EXPECT_EQ(decode(spec(ValueType::u32, WordOrder::high_first), W{0x0001, 0x2345}), 74565.0);
  EXPECT_EQ(decode(spec(ValueType::u32, WordOrder::low_first), W{0x2345, 0x0001}), 74565.0);
  // -2 as s32
  EXPECT_EQ(decode(spec(ValueType::s32, WordOrder::high_first), W{0xFFFF, 0xFFFE}), -2.0);
  EXPECT_EQ(decode(spec(ValueType::s32, WordOrder::low_first), W{0xFFFE, 0xFFFF}), -2.0);
}

TEST(Registers, SixtyFourBitWordOrders) {
  // 0x0001000200030004
  const double v = static_cast<double>(0x0001000200030004ULL);
  EXPECT_EQ(decode(spec(ValueType::u64, WordOrder::high_first), W{1, 2, 3, 4}), v);
  EXPECT_EQ(decode(spec(ValueType::u64, WordOrder::low_first), W{4, 3, 2, 1}), v);
  EXPECT_EQ(decode(spec(ValueType::s64, WordOrder::high_first), W{0xFFFF, 0xFFFF, 0xFFFF, 0xFF9C}), -100.0);
  EXPECT_EQ(decode(spec(ValueType::s64, WordOrder::low_first), W{0xFF9C, 0xFFFF, 0xFFFF, 0xFFFF}), -100.0);
}

TEST(Registers, FloatWordOrders) {
  // 230.5f = 0x43668000
  EXPECT_EQ(decode(spec(ValueType::f32, WordOrder::high_first), W{0x4366, 0x8000}), 230.5);
  EXPECT_EQ(decode(spec(ValueType::f32, WordOrder::low_first), W{0x8000, 0x4366}), 230.5);
  // -1.5f = 0xBFC00000, scaled from kW to W
  EXPECT_EQ(decode(spec(ValueType::f32, WordOrder::high_first, 1000.0), W{0xBFC0, 0x0000}), -1500.0);
}

TEST(Registers, DoubleWordOrders) {
  // 1234567.25 = 0x4132D687 40000000: a PAC2200 energy counter in Wh
  EXPECT_EQ(RegisterSpec{.type = ValueType::f64}.word_count(), 4);
  EXPECT_EQ(decode(spec(ValueType::f64, WordOrder::high_first), W{0x4132, 0xD687, 0x4000, 0x0000}), 1234567.25);
  EXPECT_EQ(decode(spec(ValueType::f64, WordOrder::low_first), W{0x0000, 0x4000, 0xD687, 0x4132}), 1234567.25);
  EXPECT_FALSE(decode(spec(ValueType::f64), W{0x7FF8, 0, 0, 0}).has_value());  // NaN
  EXPECT_FALSE(decode(spec(ValueType::f64), W{0x4132, 0xD687}).has_value());   // too short
  EXPECT_EQ(encode(spec(ValueType::f64, WordOrder::high_first), 1234567.25), (W{0x4132, 0xD687, 0x4000, 0x0000}));
  EXPECT_EQ(encode(spec(ValueType::f64, WordOrder::low_first, 1000.0), 1234567250.0), (W{0x0000, 0x4000, 0xD687, 0x4132}));
  EXPECT_FALSE(is_not_available_marker(spec(ValueType::f64), W{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}));
  EXPECT_STREQ(ampgate::drivers::to_string(ValueType::f64), "f64");
}

TEST(Registers, NotANumberAndWrongLengthAreRejected) {
  EXPECT_FALSE(decode(spec(ValueType::f32), W{0x7FC0, 0x0000}).has_value());  // NaN
  EXPECT_FALSE(decode(spec(ValueType::f32), W{0x7F80, 0x0000}).has_value());  // +inf
  EXPECT_FALSE(decode(spec(ValueType::u32), W{0x0001}).has_value());
  EXPECT_FALSE(decode(spec(ValueType::u16), W{1, 2}).has_value());
  EXPECT_FALSE(decode(spec(ValueType::u64), W{1, 2, 3}).has_value());
}

TEST(Registers, DecodeInsideABlock) {
  RegisterSpec s = spec(ValueType::u32);
  s.address = 12;
  const W block{0, 0, 0, 7, 0x0001, 0x0000};  // block starts at 8
  EXPECT_EQ(decode_in_block(s, 8, block), 65536.0);
  EXPECT_FALSE(decode_in_block(s, 13, block).has_value());  // block starts after the value
  s.address = 13;
  EXPECT_FALSE(decode_in_block(s, 8, block).has_value());   // runs past the end
}

TEST(Registers, NotAvailableMarkers) {
  EXPECT_TRUE(is_not_available_marker(spec(ValueType::u32), W{0xFFFF, 0xFFFF}));
  EXPECT_FALSE(is_not_available_marker(spec(ValueType::u32), W{0xFFFF, 0xFFFE}));
  EXPECT_TRUE(is_not_available_marker(spec(ValueType::s32), W{0x7FFF, 0xFFFF}));
  EXPECT_TRUE(is_not_available_marker(spec(ValueType::s32, WordOrder::low_first), W{0xFFFF, 0x7FFF}));
  EXPECT_TRUE(is_not_available_marker(spec(ValueType::u64), W{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}));
  EXPECT_TRUE(is_not_available_marker(spec(ValueType::s16), W{0x7FFF}));
  EXPECT_FALSE(is_not_available_marker(spec(ValueType::f32), W{0xFFFF, 0xFFFF}));
}

TEST(Registers, EncodeRoundTripsEveryTypeAndOrder) {
  const struct {
    ValueType type;
    double value;
    double scale;
  } cases[] = {
      {ValueType::u16, 16.0, 0.1},    {ValueType::s16, -12.5, 0.1},     {ValueType::u32, 123456.7, 0.1},
      {ValueType::s32, -98765.0, 1.0}, {ValueType::u64, 9.0e12, 0.01},  {ValueType::s64, -4.5e9, 1.0},
      {ValueType::f32, 3.25, 1.0},     {ValueType::f32, -7.5, 1000.0},
  };
  for (const auto order : {WordOrder::high_first, WordOrder::low_first}) {
    for (const auto& c : cases) {
      const RegisterSpec s = spec(c.type, order, c.scale);
      const auto words = encode(s, c.value);
      ASSERT_TRUE(words.has_value()) << ampgate::drivers::to_string(c.type);
      ASSERT_EQ(words->size(), s.word_count());
      const auto back = decode(s, *words);
      ASSERT_TRUE(back.has_value());
      // f32 keeps about 7 significant digits
      const double rel = c.type == ValueType::f32 ? 1e-6 : 1e-9;
      EXPECT_NEAR(*back, c.value, std::abs(c.value) * rel + 1e-9) << ampgate::drivers::to_string(c.type);
    }
  }
}

TEST(Registers, EncodePutsTheHighWordWhereTheOrderSays) {
  EXPECT_EQ(encode(spec(ValueType::u32, WordOrder::high_first), 0x00010002), (W{1, 2}));
  EXPECT_EQ(encode(spec(ValueType::u32, WordOrder::low_first), 0x00010002), (W{2, 1}));
  EXPECT_EQ(encode(spec(ValueType::s16), -1), (W{0xFFFF}));
}

TEST(Registers, EncodeRefusesWhatDoesNotFit) {
  EXPECT_FALSE(encode(spec(ValueType::u16), 65536).has_value());
  EXPECT_FALSE(encode(spec(ValueType::u16), -1).has_value());
  EXPECT_FALSE(encode(spec(ValueType::s16), 32768).has_value());
  EXPECT_TRUE(encode(spec(ValueType::s16), -32768).has_value());
  EXPECT_FALSE(encode(spec(ValueType::u32), std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(encode(spec(ValueType::f32), 1e300).has_value());
  EXPECT_FALSE(encode(spec(ValueType::u16, WordOrder::high_first, 0.0), 1).has_value());
}

TEST(Registers, AssembleSingleWord) {
  EXPECT_EQ(assemble_words(W{0xABCD}, WordOrder::low_first), 0xABCDu);
}
