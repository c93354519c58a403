#pragma once
// A fresh directory under $TMPDIR for one test, removed with everything in it afterwards.
#include <filesystem>
#include <string>

namespace ampgate::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ampgate::test
