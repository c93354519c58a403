#pragma once
// Reads a fuzz input as a sequence of small decisions (which model, which outcome, which
// words). Past the end every read gives 0, so each input is a complete, finite run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ampgate::fuzz {

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  // One of `n` choices (n > 0).
  std::size_t pick(std::size_t n) { return u8() % n; }
  // What is left, as text (the tail of a mixed input).
  std::string_view rest() {
    const std::string_view out(reinterpret_cast<const char*>(data_ + pos_), size_ - (pos_ < size_ ? pos_ : size_));
    pos_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A broken promise of the code under test: print it and abort, so libFuzzer saves the input
// and the replay test fails on it.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

}  // namespace ampgate::fuzz

#define FUZZ_CHECK(cond)                                 \
  do {                                                   \
    if (!(cond)) ::ampgate::fuzz::violated(#cond);       \
  } while (0)
