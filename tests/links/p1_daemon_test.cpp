// `ampgate run` against `ampgate simulate` for a home whose grid meter is read over P1:
// raw DSMR telegrams on a pty, the same stream over loopback TCP (as ser2net), and a
// HomeWizard P1 meter's HTTP API on loopback. Each home must be controlled from its meter:
// with meter_lost_fallback 0 a charger that charges at all does so on the meter's word, a
// household step the meter sees brings the charger down (not to zero), the health check
// calls the meter fresh and the charger's reason is not "meter stale". Damaged telegrams
// must make the meter stale, never feed it, and never stop the gateway.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>

#include "tests/daemon/harness.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Facts of tests/links/sites/home-p1-*.yaml and scenarios/home-step.yaml.
constexpr double usable = 25 - 3;       // mains_fuse - safety_margin
constexpr double charger_max = 16;
constexpr double step_at = 20, household_after = 8.5;

std::string links_fixture(const std::string& relative) {
  return (fs::path(AMPGATE_SOURCE_DIR) / "tests" / "links" / relative).string();
}

class P1Home : public ::testing::TestWithParam<std::string> {
 protected:
  void start(const std::string& scenario) {
    sim = std::make_unique<SimProcess>(dir.path(), links_fixture("sites/home-p1-" + GetParam() + ".yaml"),
                                       links_fixture("scenarios/" + scenario));
    gateway = std::make_unique<GatewayProcess>(dir.path(), sim->site_for_gateway(), db_path);
  }

  void TearDown() override {
    if (HasFailure()) {
      auto tail = [](const std::string& s) { return s.size() > 6000 ? s.substr(s.size() - 6000) : s; };
      if (gateway) std::cerr << "--- gateway log (tail) ---\n" << tail(gateway->log()) << "\n";
      if (sim) std::cerr << "--- simulator ---\n" << tail(sim->child().out() + sim->child().err()) << "\n";
    }
    gateway.reset();
    sim.reset();
  }

  double limit() const { return sim->state()["chargers"]["driveway"]["effective_limit"].get<double>(); }

  // The gateway's API port, from its "listening" event.
  int api_port() const {
    int port = 0;
    poll_until(10s, [&] {
      for (const auto& row : db.query("SELECT details FROM events WHERE source = 'api' AND message = 'listening'")) {
        const auto d = nlohmann::json::parse(row.at("details").value_or("{}"), nullptr, false);
        if (d.is_object() && d.contains("port")) port = std::stoi(d["port"].get<std::string>());
      }
      return port > 0;
    });
    return port;
  }

  nlohmann::json api_get(const std::string& path, int* status = nullptr) const {
    httplib::Client c("127.0.0.1", api_port());
    c.set_read_timeout(5, 0);
    auto res = c.Get(path);
    if (status) *status = res ? res->status : 0;
    return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
  }

  // Waits until the gateway itself commands the charger its maximum (its setpoint in the
  // API, the charger's limit in the simulator). A power-on default of the same value would
  // not show up as the gateway's setpoint; with meter_lost_fallback 0 a stale meter gives 0.
  void wait_commanded_max() {
    nlohmann::json c;
    ASSERT_TRUE(poll_until(40s, [&] {
      c = api_get("/api/v1/chargers/driveway");
      return c.is_object() && c["setpoint"]["run"] == true &&
             std::abs(c["setpoint"]["current"].get<double>() - charger_max) < 0.01 &&
             std::abs(limit() - charger_max) < 0.01;
    }, 100ms)) << "the gateway never gave the charger " << charger_max << " A: " << c.dump() << " " << sim->state().dump();
  }

  TempDir dir{"ampgate-links"};
  fs::path db_path = dir.path() / "ampgate.db";
  Db db{db_path};
  std::unique_ptr<SimProcess> sim;
  std::unique_ptr<GatewayProcess> gateway;
};

TEST_P(P1Home, ControlledFromItsP1Meter) {
  ASSERT_NO_FATAL_FAILURE(start("home-step.yaml"));
  // Charging at its maximum before the step: possible only while the P1 meter is fresh.
  ASSERT_NO_FATAL_FAILURE(wait_commanded_max());
  ASSERT_LT(sim->time(), step_at - 1) << "the gateway took too long; the step would come first";
  int health = 0;
  const auto h = api_get("/api/v1/health", &health);
  EXPECT_EQ(health, 200) << "health says: " << h.dump();

  // The household step is seen only by the P1 meter: the charger must come down to what fits.
  const double room = usable - household_after;
  nlohmann::json charger;
  ASSERT_TRUE(poll_until(Seconds(step_at + 20 - sim->time()), [&] {
    if (sim->time() <= step_at || limit() > room + 0.01) return false;
    charger = api_get("/api/v1/chargers/driveway");
    return charger.is_object() && charger["setpoint"]["current"].get<double>() <= room + 0.01;
  }, 50ms)) << "the charger did not come down to " << room << " A after the step: " << sim->state().dump();
  EXPECT_GE(limit(), 6) << "it should still charge, only less (a stale meter would pause it)";
  EXPECT_TRUE(charger["setpoint"]["run"].get<bool>()) << charger.dump();
  EXPECT_EQ(charger["reason"].get<std::string>().find("meter stale"), std::string::npos) << charger.dump();
  EXPECT_EQ(db.count("SELECT count(*) FROM events WHERE source = 'meter grid' AND message = 'meter stale'"), 0)
      << "the P1 meter went stale during the test";
  const auto fuse_log = sim->fuse_log();
  for (const auto& c : fuse_log["circuits"])
    for (const auto& [phase, v] : c["phases"].items())
      EXPECT_EQ(v["seconds_over"].get<double>(), 0.0) << c["circuit"] << " " << phase;
}

TEST_P(P1Home, DamagedTelegramsAreNeverUsed) {
  ASSERT_NO_FATAL_FAILURE(start("home-bad-telegrams.yaml"));
  ASSERT_NO_FATAL_FAILURE(wait_commanded_max());
  ASSERT_LT(sim->time(), 20) << "the gateway took too long; the damage would come first";
  // From 20 s every telegram/answer is damaged: the meter must go stale and the charger be
  // paused (fallback 0), while the gateway keeps running.
  ASSERT_TRUE(poll_until(40s, [&] { return db.has_event("meter stale", "meter grid"); }, 100ms))
      << "damaged telegrams kept the meter fresh";
  ASSERT_TRUE(poll_until(10s, [&] { return limit() < 0.01; }, 100ms)) << sim->state().dump();
  EXPECT_TRUE(gateway->child().running()) << "the gateway stopped on a damaged answer";
  int health = 0;
  api_get("/api/v1/health", &health);
  EXPECT_EQ(health, 503) << "health must say the meter is stale";
}

INSTANTIATE_TEST_SUITE_P(Sources, P1Home, ::testing::Values("serial", "tcp", "homewizard"));

}  // namespace
}  // namespace ampgate::test
