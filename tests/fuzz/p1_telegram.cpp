// One DSMR telegram, as the stream reader hands it over: parsed or rejected with a reason,
// never a crash, and an accepted one carries only numbers.
#include <string_view>

#include "drivers/p1/telegram.h"
#include "tests/fuzz/p1_reading_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = drivers::p1::parse_telegram(text, drivers::Clock::time_point{});
  FUZZ_CHECK(r.telegram.has_value() || !r.error.empty());
  if (r.telegram) fuzz::check_reading(r.telegram->reading);
  return 0;
}
