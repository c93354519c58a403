#pragma once
// Every key the loader accepts, per section. The loader rejects keys not listed here
// (with a "did you mean"), and a test checks docs/site-yaml.md documents exactly these.
#include <span>
#include <string_view>

namespace ampgate::config {

struct SectionKeys {
  std::string_view section;  // "top", "site", "buses[]", "buses[].rtu", "registers.*", ...
  std::span<const std::string_view> keys;
};

std::span<const SectionKeys> site_schema();
// nullptr for an unknown section name (a programming error in the loader).
const SectionKeys* find_section(std::string_view section);

}  // namespace ampgate::config
