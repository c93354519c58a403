#pragma once
// Loading and validating the site description (site.yaml). The loader collects every
// problem it finds instead of stopping at the first, so a user fixes the file in one pass.
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.h"

namespace ampgate::config {

struct Problem {
  Location where;        // file, line, column (1-based)
  std::string path;      // e.g. "chargers[2].max_current" or "circuits.garage.limit"
  std::string message;   // e.g. "90 A is above the mains fuse 25 A"
  std::string format() const;  // "FILE:LINE:COLUMN: path: message"
};

struct LoadResult {
  std::optional<Site> site;        // set only when problems is empty
  std::vector<Problem> problems;
  // Allowed but doubtful (e.g. a meter-lost fallback that leaves little for the house);
  // `check` prints them, the site still loads.
  std::vector<Problem> warnings;
};

LoadResult load_site_file(const std::string& path);
LoadResult load_site_text(const std::string& yaml_text, const std::string& file_name);

}  // namespace ampgate::config
