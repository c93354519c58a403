#pragma once
// A fresh directory under the system temp folder, removed with everything in it.
#include <filesystem>
#include <string>

namespace ampgate::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ampgate");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ampgate::test
