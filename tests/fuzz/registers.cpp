// Register decoding for every value type, word order and scale the site file can give:
// decode yields a number or nothing (never NaN/inf), a value it yields encodes back, and
// block decoding never reads outside the block.
#include <cmath>
#include <cstring>
#include <vector>

#include "drivers/registers.h"
#include "tests/fuzz/fuzz_bytes.h"

namespace {

using namespace ampgate;
using modbus::RegisterSpec;

constexpr double scales[] = {1.0, 0.1, 0.01, 0.001, 10.0, 1000.0, -1.0, 1e-6, 1e300, 0.0};

RegisterSpec spec_from(fuzz::Bytes& in) {
  RegisterSpec s;
  s.type = static_cast<modbus::ValueType>(in.pick(8));
  s.order = in.pick(2) ? modbus::WordOrder::low_first : modbus::WordOrder::high_first;
  s.scale = scales[in.pick(std::size(scales))];
  s.address = in.u16();
  s.function = in.pick(2) ? modbus::Function::read_input : modbus::Function::read_holding;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const RegisterSpec spec = spec_from(in);
  const std::uint16_t block_start = in.u16();
  std::vector<std::uint16_t> words;
  const std::size_t n = in.pick(16);
  for (std::size_t i = 0; i < n; ++i) words.push_back(in.u16());

  const auto v = drivers::decode(spec, words);
  if (words.size() != spec.word_count()) FUZZ_CHECK(!v);
  if (v) {
    FUZZ_CHECK(std::isfinite(*v));
    (void)drivers::is_not_available_marker(spec, words);
    if (spec.scale != 0.0) {
      // A decoded value is one the device could send, so it must encode to words again.
      const auto back = drivers::encode(spec, *v);
      if (back) FUZZ_CHECK(back->size() == spec.word_count());
    }
  }
  if (auto b = drivers::decode_in_block(spec, block_start, words)) FUZZ_CHECK(std::isfinite(*b));
  const std::size_t count = std::size_t{1} << in.pick(3);  // 1, 2 or 4 words
  if (words.size() >= count) {
    const auto raw = drivers::assemble_words(std::span(words).first(count), spec.order);
    FUZZ_CHECK(drivers::split_words(raw, static_cast<std::uint16_t>(count), spec.order) ==
               std::vector<std::uint16_t>(words.begin(), words.begin() + static_cast<long>(count)));
  }
  // Any double a user or a policy might ask for: encoded or refused, never UB.
  double x = 0;
  const std::uint64_t bits = (std::uint64_t{in.u16()} << 48) | (std::uint64_t{in.u16()} << 32) |
                             (std::uint64_t{in.u16()} << 16) | in.u16();
  std::memcpy(&x, &bits, sizeof x);
  if (auto w = drivers::encode(spec, x)) FUZZ_CHECK(w->size() == spec.word_count());
  return 0;
}
