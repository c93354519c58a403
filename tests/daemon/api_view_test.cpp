// The gateway's REST API end to end: `ampgate run` against `ampgate simulate`, read and
// commanded over loopback HTTP as a home-automation system would. What the API shows must
// be what the control loop works with: an expired temporary limit is no longer shown as in
// force, and what a user set through the API outlives a SIGHUP reload.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <httplib.h>

#include "tests/daemon/harness.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

// Facts of tests/daemon/sites/yard.yaml.
constexpr double mains_fuse = 50;
constexpr double safety_margin = 10;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ApiViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim = std::make_unique<SimProcess>(dir.path(), fixture("sites/yard.yaml"), fixture("scenarios/three-cars.yaml"));
    // The token beside this test's files, so the test can read it.
    const fs::path site = sim->site_for_gateway();
    std::string text = slurp(site);
    const std::string from = "token_file: ampgate-test-api-token";
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, from.size(), "token_file: " + (dir.path() / "api-token").string());
    std::ofstream(site) << text;
    gateway = std::make_unique<GatewayProcess>(dir.path(), site, db_path);
    ASSERT_TRUE(poll_until(20s, [&] {
      return db.count("SELECT count(*) FROM events WHERE source = 'api' AND message = 'listening'") > 0;
    })) << "the API did not start";
    port = static_cast<int>(
        db.count("SELECT json_extract(details, '$.port') FROM events WHERE source = 'api' AND message = 'listening'"));
    ASSERT_GT(port, 0);
    token = slurp(dir.path() / "api-token");
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    ASSERT_FALSE(token.empty());
    ASSERT_TRUE(poll_until(20s, [&] { return !get("/api/v1/site")["loop_last_run"].is_null(); }))
        << "the control loop did not run";
  }

  void TearDown() override {
    if (HasFailure() && gateway) {
      const std::string log = gateway->log();
      std::cerr << "--- gateway log (tail) ---\n" << (log.size() > 6000 ? log.substr(log.size() - 6000) : log) << "\n";
    }
    gateway.reset();  // stopped by PID
    sim.reset();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(5, 0);
    c.set_bearer_token_auth(token);
    return c;
  }

  json get(const std::string& path) const {
    auto res = client().Get(path.c_str());
    if (!res || res->status != 200)
      throw std::runtime_error("GET " + path + " failed" + (res ? ": HTTP " + std::to_string(res->status) : ""));
    return json::parse(res->body);
  }

  // A write; returns the HTTP status (202 = accepted for the next period).
  int send(const std::string& method, const std::string& path, const json& body = json::object()) const {
    auto c = client();
    auto res = method == "PUT" ? c.Put(path.c_str(), body.dump(), "application/json")
                               : c.Post(path.c_str(), body.dump(), "application/json");
    return res ? res->status : -1;
  }

  // Waits until the loop has published `periods` more views than now (each control period
  // publishes one), so what a test reads next was built after what it waited for.
  void wait_periods(int periods) {
    const auto start = get("/api/v1/site")["version"].get<std::uint64_t>();
    ASSERT_TRUE(poll_until(20s, [&] { return get("/api/v1/site")["version"].get<std::uint64_t>() >= start + periods; }))
        << "the loop stopped publishing its view";
  }

  TempDir dir{"ampgate-api-view"};
  fs::path db_path = dir.path() / "ampgate.db";
  Db db{db_path};
  std::unique_ptr<SimProcess> sim;
  std::unique_ptr<GatewayProcess> gateway;
  int port = 0;
  std::string token;
};

// PUT /site/limits with a duration: while it holds, the mains shows it; once it has run
// out the mains shows its own limit again (fuse less margin) and no temporary limit, as the
// control loop (which stops applying it at that moment) works with.
TEST_F(ApiViewTest, AnExpiredTemporaryLimitIsNoLongerShownAsInForce) {
  ASSERT_EQ(send("PUT", "/api/v1/site/limits", {{"mains_limit", 40}, {"duration", 2}}), 202);
  json mains;
  ASSERT_TRUE(poll_until(10s, [&] {
    mains = get("/api/v1/site")["mains"];
    return mains["temporary_limit"] == 40;
  })) << "the temporary limit was never shown: " << mains.dump();
  EXPECT_EQ(mains["effective_limit"], 40 - safety_margin) << mains.dump();

  // Bounded by far more than the 2 s: on a gateway that shows it for ever this times out.
  const bool expired = poll_until(20s, [&] {
    mains = get("/api/v1/site")["mains"];
    return mains["temporary_limit"].is_null();
  }).has_value();
  EXPECT_TRUE(expired) << "still shown as in force after it ran out: " << mains.dump();
  EXPECT_EQ(mains["effective_limit"], mains_fuse - safety_margin) << mains.dump();
  EXPECT_TRUE(mains["temporary_until"].is_null()) << mains.dump();
  EXPECT_EQ(get("/api/v1/circuits")[0]["effective_limit"], mains_fuse - safety_margin);
}

// A mode with its settings, and a user limit, set through the API: a SIGHUP reload of an
// unchanged site file keeps all of them (the eco grid current used to fall back to the
// site file's).
TEST_F(ApiViewTest, WhatTheUserSetOutlivesAReload) {
  ASSERT_EQ(send("PUT", "/api/v1/chargers/bay-1/mode", {{"mode", "eco"}, {"eco_grid_current", 9}}), 202);
  ASSERT_EQ(send("PUT", "/api/v1/chargers/bay-2/limit", {{"max_current", 7}}), 202);
  json c1, c2;
  ASSERT_TRUE(poll_until(10s, [&] {
    c1 = get("/api/v1/chargers/bay-1");
    c2 = get("/api/v1/chargers/bay-2");
    return c1["mode"] == "eco" && c1["mode_settings"]["eco_grid_current"] == 9 && c2["user_limit"] == 7;
  })) << "the commands were not taken: " << c1.dump() << " " << c2.dump();

  gateway->child().signal(SIGHUP);
  ASSERT_TRUE(poll_until(15s, [&] { return db.has_event("configuration reloaded", "config"); }));
  ASSERT_NO_FATAL_FAILURE(wait_periods(3));
  c1 = get("/api/v1/chargers/bay-1");
  c2 = get("/api/v1/chargers/bay-2");
  EXPECT_EQ(c1["mode"], "eco") << c1.dump();
  EXPECT_EQ(c1["mode_settings"]["eco_grid_current"], 9) << c1.dump();
  EXPECT_EQ(c2["user_limit"], 7) << c2.dump();
  EXPECT_EQ(c2["mode"], "fast") << "a charger the user did not touch keeps the site file's mode: " << c2.dump();
}

// Stop and start from the API, end to end against the simulator's devices: a stopped car
// stops drawing and stays stopped while the loop runs on (the loop does not resume it);
// the TeltoCharge gets "stop session" (register 16 = 1) and, on start, that request taken
// back, the Vestel a pause at 0 A; after start both charge again in the session
// they had: no session ended, none started anew. bay-2, never touched, charges throughout.
TEST_F(ApiViewTest, StopAndStartFromTheApiPauseAndResumeTheCarsWithoutEndingTheirSessions) {
  auto charging = [](const json& state, const std::string& id) {
    double high = 0;
    for (const auto& a : state["chargers"][id]["amps"]) high = std::max(high, a.get<double>());
    return high >= 5.5;
  };
  auto stopped = [](const json& state, const std::string& id) {
    for (const auto& a : state["chargers"][id]["amps"])
      if (a.get<double>() > 0.5) return false;
    return true;
  };
  json state;
  ASSERT_TRUE(poll_until(30s, [&] {
    state = sim->state();
    return charging(state, "bay-1") && charging(state, "bay-2") && charging(state, "bay-3");
  })) << "the three cars never charged: " << state.dump();

  ASSERT_EQ(send("POST", "/api/v1/chargers/bay-1/stop"), 202);
  ASSERT_EQ(send("POST", "/api/v1/chargers/bay-3/stop"), 202);
  ASSERT_TRUE(poll_until(15s, [&] {
    state = sim->state();
    return stopped(state, "bay-1") && stopped(state, "bay-3");
  })) << "the stopped cars still draw: " << state.dump();
  EXPECT_EQ(sim->registers("bay-1", 16, 1)[16], 1) << "the TeltoCharge was not told to stop its session";
  EXPECT_TRUE(get("/api/v1/chargers/bay-1")["stopped_by_user"].get<bool>());
  // Several periods later they are still stopped, and the untouched car still charges.
  ASSERT_NO_FATAL_FAILURE(wait_periods(6));
  state = sim->state();
  EXPECT_TRUE(stopped(state, "bay-1") && stopped(state, "bay-3")) << "the loop resumed a stopped car: " << state.dump();
  EXPECT_TRUE(charging(state, "bay-2")) << state.dump();

  ASSERT_EQ(send("POST", "/api/v1/chargers/bay-1/start"), 202);
  ASSERT_EQ(send("POST", "/api/v1/chargers/bay-3/start"), 202);
  ASSERT_TRUE(poll_until(20s, [&] {
    state = sim->state();
    return charging(state, "bay-1") && charging(state, "bay-3");
  })) << "the cars did not charge again after start: " << state.dump();
  // 2 on the newer table ("start session if stopped"); the simulator here keeps the older
  // one (0-1), which refuses 2, and the driver clears the flag with 0 instead.
  EXPECT_NE(sim->registers("bay-1", 16, 1)[16], 1) << "the TeltoCharge's stop request is still set";
  EXPECT_FALSE(get("/api/v1/chargers/bay-1")["stopped_by_user"].get<bool>());
  for (const std::string id : {"bay-1", "bay-2", "bay-3"}) {
    EXPECT_EQ(state["chargers"][id]["sessions_ended"], 0) << id << ": " << state.dump();
    EXPECT_EQ(state["chargers"][id]["sessions_started"], 1) << id << ": " << state.dump();
  }
}

}  // namespace
}  // namespace ampgate::test
