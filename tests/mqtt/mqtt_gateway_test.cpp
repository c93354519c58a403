// Issue 16 end to end: `ampgate run` against `ampgate simulate`, publishing to a real Debian
// mosquitto broker on loopback that the test starts and stops by PID. Judged by a probe
// client subscribed to everything, and by the REST API of the same gateway.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/daemon/harness.h"
#include "tests/mqtt/broker.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string prefix = "ampgate/yard";

// The simulator's site for the gateway, with the broker and an absolute token file.
std::filesystem::path site_with_mqtt(const SimProcess& sim, const std::filesystem::path& dir, int port) {
  std::ifstream in(sim.site_for_gateway());
  std::stringstream text;
  text << in.rdbuf();
  std::string site = std::regex_replace(text.str(), std::regex("token_file: .*"),
                                        "token_file: " + (dir / "api-token").string());
  site += "\nmqtt:\n  host: 127.0.0.1\n  port: " + std::to_string(port) + "\n  topic_prefix: " + prefix + "\n";
  const auto out = dir / "site-mqtt.yaml";
  std::ofstream(out) << site;
  return out;
}

int api_port(const GatewayProcess& gw) {
  std::smatch m;
  const std::string log = gw.log();
  static const std::regex line("listening on http://127\\.0\\.0\\.1:([0-9]+)");
  return std::regex_search(log, m, line) ? std::stoi(m[1]) : 0;
}

std::string token(const std::filesystem::path& dir) {
  std::ifstream in(dir / "api-token");
  std::string t;
  std::getline(in, t);
  return t;
}

struct Site {
  TempDir dir{"ampgate-mqtt"};
  Broker broker{dir.path()};
  SimProcess sim{dir.path(), fixture("sites/yard.yaml"), fixture("scenarios/three-cars.yaml")};
  GatewayProcess gateway{dir.path(), site_with_mqtt(sim, dir.path(), broker.port()), dir.path() / "ampgate.db"};
};

TEST(MqttGateway, StateAndDiscoveryAppearAndCommandsAreTakenOrRefusedLikeRest) {
  Site s;
  Probe probe(s.broker.port());
  ASSERT_TRUE(probe.wait_for(prefix + "/status", "online", 30s)) << s.gateway.log();
  ASSERT_TRUE(probe.wait_for(prefix + "/charger/bay-1/mode", "fast", 30s)) << s.gateway.log();
  const json doc = json::parse(probe.last(prefix + "/charger/bay-1").value_or("{}"));
  EXPECT_EQ(doc["id"], "bay-1");
  EXPECT_EQ(doc["model"], "teltocharge");

  // Discovery: every announced state topic is one the gateway publishes.
  int announced = 0;
  for (const auto& [topic, text] : probe.all()) {
    if (topic.rfind("homeassistant/", 0) != 0) continue;
    ++announced;
    const json d = json::parse(text);
    if (d.contains("state_topic")) {
      EXPECT_TRUE(probe.last(d["state_topic"])) << "announced, not published: " << d["state_topic"];
    }
  }
  EXPECT_GT(announced, 30);
  // Home Assistant restarting says `online`: the discovery goes out again.
  const std::string mode_config = "homeassistant/select/ampgate_yard/charger_bay-1_mode/config";
  const auto sent_before = probe.received(mode_config).size();
  ASSERT_GE(sent_before, 1u);
  probe.publish("homeassistant/status", "online");
  EXPECT_TRUE(poll_until(20s, [&] { return probe.received(mode_config).size() > sent_before; }))
      << "discovery not sent again after homeassistant/status online";

  // A command changes the mode, answered on the result topic, and the state follows.
  probe.publish(prefix + "/charger/bay-1/mode/set", "eco");
  ASSERT_TRUE(probe.wait_for(prefix + "/charger/bay-1/mode", "eco", 20s)) << s.gateway.log();
  const auto ok = json::parse(probe.last(prefix + "/charger/bay-1/mode/result").value_or("{}"));
  EXPECT_EQ(ok["status"], 202);
  EXPECT_EQ(ok["mode"], "eco");

  // An invalid one is refused in the REST API's words, and nothing changes.
  probe.publish(prefix + "/charger/bay-1/limit/set", "99");
  std::optional<std::string> refused;
  poll_until(20s, [&] { return (refused = probe.last(prefix + "/charger/bay-1/limit/result")).has_value(); });
  ASSERT_TRUE(refused) << s.gateway.log();
  const auto mqtt_answer = json::parse(*refused);
  httplib::Client rest("127.0.0.1", api_port(s.gateway));
  rest.set_bearer_token_auth(token(s.dir.path()));
  auto res = rest.Put("/api/v1/chargers/bay-1/limit", R"({"max_current": 99})", "application/json");
  ASSERT_TRUE(res) << "REST API not reachable";
  const auto rest_answer = json::parse(res->body);
  EXPECT_EQ(mqtt_answer["status"], res->status);
  EXPECT_EQ(mqtt_answer["error"], rest_answer["error"]);
  EXPECT_EQ(mqtt_answer["field"], rest_answer["field"]);
  EXPECT_EQ(probe.last(prefix + "/charger/bay-1/limit"), "null");
  EXPECT_TRUE(s.gateway.child().running());
}

TEST(MqttGateway, ABrokerRestartDoesNotStopTheGatewayAndKillNineLeavesOffline) {
  Site s;
  {
    Probe probe(s.broker.port());
    ASSERT_TRUE(probe.wait_for(prefix + "/status", "online", 30s)) << s.gateway.log();
  }
  s.broker.kill_hard();
  s.broker.start();  // same port, nothing retained (no persistence)
  Probe probe(s.broker.port());
  ASSERT_TRUE(probe.wait_for(prefix + "/status", "online", 60s)) << "the gateway did not come back: " << s.gateway.log();
  ASSERT_TRUE(probe.wait_for(prefix + "/charger/bay-2/mode", "fast", 30s)) << "the state was not sent again";
  EXPECT_TRUE(s.gateway.child().running());
  // The control loop went on meanwhile: the API still answers.
  httplib::Client rest("127.0.0.1", api_port(s.gateway));
  auto health = rest.Get("/api/v1/site");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  s.gateway.child().kill_hard();
  EXPECT_TRUE(probe.wait_for(prefix + "/status", "offline", 30s)) << "the broker did not send the last will";
}

TEST(MqttGateway, SigtermSaysOfflineAtOnce) {
  Site s;
  Probe probe(s.broker.port());
  ASSERT_TRUE(probe.wait_for(prefix + "/status", "online", 30s)) << s.gateway.log();
  s.gateway.child().signal(SIGTERM);
  ASSERT_TRUE(s.gateway.child().wait_exit(30s));
  // A clean disconnect gets no last will from the broker: this "offline" is the gateway's own.
  EXPECT_TRUE(probe.wait_for(prefix + "/status", "offline", 10s)) << "a clean stop publishes offline before it disconnects";
}

}  // namespace
}  // namespace ampgate::test
