// `deploy/cross-build.sh arm64` must give an installer a working aarch64 package.
#include <gtest/gtest.h>

#include "tests/support/run_program.h"

using ampgate::test::run_shell;

TEST(CrossBuild, Arm64BinaryAndPackage) {
  auto r = run_shell("cd '" AMPGATE_SOURCE_DIR "' && deploy/cross-build.sh arm64 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto file = run_shell("file '" AMPGATE_SOURCE_DIR "/build/cross-arm64/ampgate'").out;
  EXPECT_NE(file.find("ARM aarch64"), std::string::npos) << file;
  auto arch = run_shell("dpkg-deb -f '" AMPGATE_SOURCE_DIR "/build/cross-arm64/ampgate_0.1.0_arm64.deb' Architecture").out;
  EXPECT_EQ(arch, "arm64\n");
}
