#include "tests/storage/temp_dir.h"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace ampgate::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ampgate-storage-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace ampgate::test
