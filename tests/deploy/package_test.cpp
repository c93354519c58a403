// The Debian package as an installer meets it: what `cpack -G DEB` puts in the .deb, what
// the maintainer scripts do, and whether systemd accepts the unit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using ampgate::test::run_shell;
using ampgate::test::TempDir;

namespace {

// The package is built once per test process. A failed build fails every test that needs
// it, with cpack's output (a failure in SetUpTestSuite would only show as "skipped").
struct Built {
  TempDir dir{"deb"};
  std::optional<fs::path> deb;
  std::string log;
};

const Built& package() {
  static Built b;
  static const bool done = [] {
    auto r = run_shell("cd '" + b.dir.path().string() + "' && cpack -G DEB --config '" AMPGATE_BINARY_DIR
                       "/CPackConfig.cmake' -B '" + b.dir.path().string() + "' 2>&1");
    b.log = "cpack exit " + std::to_string(r.exit_code) + ":\n" + r.out;
    for (const auto& e : fs::directory_iterator(b.dir.path()))
      if (e.path().extension() == ".deb") b.deb = e.path();
    return true;
  }();
  (void)done;
  return b;
}

class Package : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(package().deb.has_value()) << package().log; }
  static std::string deb() { return package().deb->string(); }
  static fs::path dir() { return package().dir.path(); }
  static std::string field(const std::string& name) {
    return run_shell("dpkg-deb -f '" + deb() + "' " + name).out;
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(Package, FileNameFollowsDebianConvention) {
  auto arch = run_shell("dpkg --print-architecture").out;
  arch.erase(arch.find_last_not_of('\n') + 1);
  EXPECT_EQ(fs::path(deb()).filename().string(), "ampgate_0.1.0_" + arch + ".deb");
}

TEST_F(Package, HoldsBinaryUnitAndExampleSiteFile) {
  auto list = run_shell("dpkg-deb -c '" + deb() + "'").out;
  EXPECT_NE(list.find("./usr/bin/ampgate"), std::string::npos) << list;
  EXPECT_NE(list.find("./etc/ampgate/site.yaml"), std::string::npos) << list;
  EXPECT_NE(list.find("./lib/systemd/system/ampgate.service"), std::string::npos) << list;
  EXPECT_NE(list.find("./usr/share/doc/ampgate/udev/99-ampgate-rs485.rules"), std::string::npos) << list;
}

TEST_F(Package, SiteFileIsAConffileSoUpgradesKeepTheInstallersEdits) {
  auto control = dir() / "control";
  ASSERT_EQ(run_shell("dpkg-deb -e '" + deb() + "' '" + control.string() + "'").exit_code, 0);
  EXPECT_EQ(read_file(control / "conffiles"), "/etc/ampgate/site.yaml\n");
}

TEST_F(Package, DependsOnTheRuntimeLibraries) {
  auto depends = field("Depends");
  for (const char* p : {"libmodbus5", "libsqlite3-0", "libyaml-cpp0.7", "libcpp-httplib0.11", "libsystemd0", "adduser"})
    EXPECT_NE(depends.find(p), std::string::npos) << p << " missing from: " << depends;
}

TEST_F(Package, MaintainerScriptsCreateUserInDialoutAndStateFolder) {
  auto control = dir() / "scripts";
  ASSERT_EQ(run_shell("dpkg-deb -e '" + deb() + "' '" + control.string() + "'").exit_code, 0);
  auto postinst = read_file(control / "postinst");
  EXPECT_NE(postinst.find("adduser --system"), std::string::npos);
  EXPECT_NE(postinst.find("ampgate dialout"), std::string::npos);
  EXPECT_NE(postinst.find("/var/lib/ampgate"), std::string::npos);
  for (const char* s : {"postinst", "prerm", "postrm"}) {
    auto p = control / s;
    ASSERT_TRUE(fs::exists(p)) << s;
    EXPECT_NE(fs::status(p).permissions() & fs::perms::owner_exec, fs::perms::none) << s << " is not executable";
    EXPECT_EQ(run_shell("sh -n '" + p.string() + "'").exit_code, 0) << s << " has a shell syntax error";
  }
}

TEST_F(Package, SystemdAcceptsTheUnitWithoutWarnings) {
  // Verify against a root holding the unpacked package, the host's own units and /bin/kill,
  // so that ExecStart and ExecReload are checked for real.
  auto root = dir() / "root";
  ASSERT_EQ(run_shell("dpkg-deb -x '" + deb() + "' '" + root.string() + "'").exit_code, 0);
  fs::create_directories(root / "usr/lib/systemd");
  fs::create_directories(root / "bin");
  ASSERT_EQ(run_shell("cp -a /usr/lib/systemd/system '" + (root / "usr/lib/systemd").string() + "/' && cp /bin/kill '" +
                      (root / "bin/kill").string() + "'")
                .exit_code,
            0);
  auto r = run_shell("systemd-analyze verify --root='" + root.string() + "' /lib/systemd/system/ampgate.service 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "") << "systemd-analyze printed warnings";

  auto unit = read_file(root / "lib/systemd/system/ampgate.service");
  for (const char* line : {"Type=notify", "WatchdogSec=", "Restart=always", "User=ampgate", "ProtectSystem=strict",
                           "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "StateDirectory=ampgate",
                           "DevicePolicy=closed", "ExecReload=/bin/kill -HUP $MAINPID"})
    EXPECT_NE(unit.find(line), std::string::npos) << line;
}

}  // namespace
