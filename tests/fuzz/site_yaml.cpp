// A site file: a Site or a list of problems, each with a message, never an exception.
#include <string>

#include "gateway/config_load.h"
#include "tests/fuzz/fuzz_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto r = config::load_site_text(text, "fuzz.yaml");
  FUZZ_CHECK(r.site.has_value() != !r.problems.empty());
  for (const auto& p : r.problems) FUZZ_CHECK(!p.message.empty());
  return 0;
}
