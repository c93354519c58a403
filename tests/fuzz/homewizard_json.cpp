// A HomeWizard /api/v1/data answer: a reading or an error, never an exception.
#include <string>

#include "drivers/p1/source.h"
#include "tests/fuzz/p1_reading_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  const std::string json(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto t = drivers::p1::parse_homewizard_v1(json, drivers::Clock::time_point{}, error);
  FUZZ_CHECK(t.has_value() || !error.empty());
  if (t) fuzz::check_reading(t->reading);
  return 0;
}
