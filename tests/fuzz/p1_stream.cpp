// A P1 byte stream cut into chunks of fuzzed sizes: the reader never returns more than it
// was fed, never holds more than its limit, and every telegram it returns is parsed.
#include <string>

#include "drivers/p1/telegram.h"
#include "tests/fuzz/p1_reading_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  if (size < 2) return 0;
  // First byte: the reader's size limit (small limits reach the "too long" path); second
  // byte: the chunk size of each feed (1..64, as a serial port delivers bytes).
  const std::size_t max_size = 64 + data[0] * 64u;
  const std::size_t chunk = 1 + data[1] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);
  drivers::p1::TelegramReader reader(max_size);
  std::size_t returned = 0;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    reader.feed(stream.substr(at, chunk));
    while (auto t = reader.next()) {
      FUZZ_CHECK(t->size() <= max_size);
      FUZZ_CHECK(!t->empty() && (*t)[0] == '/');
      returned += t->size();
      FUZZ_CHECK(returned <= stream.size());
      const auto r = drivers::p1::parse_telegram(*t, drivers::Clock::time_point{});
      if (r.telegram) fuzz::check_reading(r.telegram->reading);
    }
  }
  FUZZ_CHECK(reader.skipped_bytes() <= stream.size());
  return 0;
}
