// The MQTT room without a broker: the state topics, the discovery documents generated from
// the same table, and commands answered in the REST API's words.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/commands.h"
#include "api/mqtt/command_topics.h"
#include "api/mqtt/discovery.h"
#include "api/mqtt/state_topics.h"

namespace ampgate::api::mqtt {
namespace {

using nlohmann::json;

SiteView site_with_one_charger() {
  SiteView s;
  s.name = "home";
  s.mains.fuse = 25;
  s.mains.effective_limit = 25;
  s.mains.measured = {12.0, std::nullopt, 3.0};
  ChargerView c;
  c.id = "garage";
  c.model = "teltocharge";
  c.state = PilotState::C;
  c.reachable = true;
  c.min_current = 6;
  c.max_current = 16;
  c.setpoint = {10, 3, true};
  c.actual = {9.5, 9.5, 9.5};
  c.session = SessionInfo{"s1", WallClock::now(), 2500};
  s.chargers.push_back(c);
  MeterView m;
  m.id = "grid";
  m.current = {12.0, std::nullopt, 3.0};
  s.meters.push_back(m);
  return s;
}

// Records the commands that reach the gateway.
class FakeGateway : public GatewayControl {
 public:
  SiteView view = site_with_one_charger();
  std::vector<std::string> calls;
  SiteView site() const override { return view; }
  std::uint64_t version() const override { return 1; }
  std::vector<SessionRow> sessions(const SessionQuery&) const override { return {}; }
  std::vector<EventRow> events(const EventQuery&) const override { return {}; }
  MetricsHistory history(WallTime, WallTime) const override { return {}; }
  CommandResult set_mode(const std::string& id, const ModeCommand& m) override {
    calls.push_back("mode " + id + " " + config::to_string(m.mode));
    return CommandResult::success();
  }
  CommandResult set_limit(const std::string& id, std::optional<double> v) override {
    calls.push_back("limit " + id + " " + (v ? std::to_string(static_cast<int>(*v)) : "none"));
    return CommandResult::success();
  }
  CommandResult start(const std::string& id) override {
    calls.push_back("start " + id);
    return CommandResult::success();
  }
  CommandResult stop(const std::string& id) override {
    calls.push_back("stop " + id);
    return CommandResult::refuse("stopping is refused here", "id");
  }
  CommandResult set_site_limits(const SiteLimitsCommand& c) override {
    calls.push_back("site " + (c.mains_limit ? std::to_string(static_cast<int>(*c.mains_limit)) : "none"));
    return CommandResult::success();
  }
};

TEST(MqttState, EveryObjectHasItsDocumentAndOneTopicPerValue) {
  const auto topics = state_topics(site_with_one_charger(), "ampgate/home");
  const json doc = json::parse(topics.at("ampgate/home/charger/garage"));
  EXPECT_EQ(doc["mode"], "fast");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/mode"), "fast");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/measured/L1"), "9.5");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/connected"), "true");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/charging"), "true");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/session_energy"), "2.5");  // kWh
  // Stale is not zero: a phase without a reading is "null".
  EXPECT_EQ(topics.at("ampgate/home/circuit/mains/measured/L2"), "null");
  EXPECT_EQ(topics.at("ampgate/home/meter/grid/current/L2"), "null");
  EXPECT_EQ(topics.at("ampgate/home/charger/garage/power"), "null");
  EXPECT_EQ(topics.at("ampgate/home/circuit/mains/limit"), "25.0");
  EXPECT_TRUE(topics.count("ampgate/home/site"));
}

TEST(MqttState, OnlyChangedTopicsAreSentAndARemovedChargerIsCleared) {
  Topics last;
  auto site = site_with_one_charger();
  auto first = changes(state_topics(site, "p"), last, false);
  EXPECT_EQ(first.size(), last.size());
  EXPECT_TRUE(changes(state_topics(site, "p"), last, false).empty()) << "nothing changed, nothing sent";
  site.chargers[0].mode = config::Mode::eco;
  auto second = changes(state_topics(site, "p"), last, false);
  std::map<std::string, std::string> sent(second.begin(), second.end());
  EXPECT_EQ(sent.at("p/charger/garage/mode"), "eco");
  EXPECT_TRUE(sent.count("p/charger/garage"));
  EXPECT_FALSE(sent.count("p/charger/garage/measured/L1"));
  site.chargers.clear();
  auto third = changes(state_topics(site, "p"), last, false);
  std::map<std::string, std::string> cleared(third.begin(), third.end());
  ASSERT_TRUE(cleared.count("p/charger/garage/mode"));
  EXPECT_EQ(cleared.at("p/charger/garage/mode"), "") << "an empty retained message removes the topic";
  EXPECT_EQ(changes(state_topics(site, "p"), last, true).size(), last.size()) << "all = everything again";
}

TEST(MqttDiscovery, AnnouncesExactlyWhatIsPublishedWithClassesAndUnits) {
  const auto site = site_with_one_charger();
  const auto state = state_topics(site, "ampgate/home");
  const auto discovery = discovery_topics(site, "ampgate/home", "homeassistant");
  FakeGateway gw;
  int sensors = 0, commands = 0;
  std::set<std::string> unique;
  for (const auto& [topic, text] : discovery) {
    SCOPED_TRACE(topic);
    ASSERT_EQ(topic.rfind("homeassistant/", 0), 0u);
    ASSERT_EQ(topic.substr(topic.size() - 7), "/config");
    const json d = json::parse(text);
    ASSERT_TRUE(d.contains("name") && d.contains("unique_id") && d.contains("device"));
    EXPECT_TRUE(unique.insert(d["unique_id"]).second) << "unique_id used twice";
    EXPECT_EQ(d["availability_topic"], "ampgate/home/status");
    if (d.contains("state_topic")) {
      EXPECT_TRUE(state.count(d["state_topic"])) << "announced but never published: " << d["state_topic"];
      ++sensors;
    }
    if (d.contains("command_topic")) {
      EXPECT_TRUE(run_command(gw, "ampgate/home", d["command_topic"], d.value("payload_press", "6")).has_value())
          << "announced command not taken: " << d["command_topic"];
      ++commands;
    }
    const std::string unit = d.value("unit_of_measurement", "");
    if (unit == "A") {
      EXPECT_EQ(d["device_class"], "current");
    }
    if (unit == "W") {
      EXPECT_EQ(d["device_class"], "power");
    }
    if (unit == "kWh") {
      EXPECT_EQ(d["device_class"], "energy");
      EXPECT_EQ(d["state_class"], "total_increasing");
    }
  }
  EXPECT_GT(sensors, 20);
  EXPECT_EQ(commands, 4) << "mode select, limit number, start and stop buttons";
  const json mode = json::parse(discovery.at("homeassistant/select/ampgate_home/charger_garage_mode/config"));
  EXPECT_EQ(mode["options"], json({"off", "fast", "eco", "eco_plus", "solar"}));
  EXPECT_EQ(mode["device"]["via_device"], "ampgate_home_gateway");
  const json limit = json::parse(discovery.at("homeassistant/number/ampgate_home/charger_garage_limit/config"));
  EXPECT_EQ(limit["min"], 6);
  EXPECT_EQ(limit["max"], 16);
  EXPECT_TRUE(discovery.count("homeassistant/button/ampgate_home/charger_garage_start/config"));
}

TEST(MqttCommands, BareValuesAndRestBodiesAreTakenAndAnsweredOnTheResultTopic) {
  FakeGateway gw;
  auto a = run_command(gw, "p", "p/charger/garage/mode/set", "eco");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->topic, "p/charger/garage/mode/result");
  EXPECT_EQ(json::parse(a->payload)["status"], 202);
  run_command(gw, "p", "p/charger/garage/limit/set", "10");
  run_command(gw, "p", "p/charger/garage/limit/set", "null");
  run_command(gw, "p", "p/charger/garage/mode/set", R"({"mode": "solar"})");
  run_command(gw, "p", "p/charger/garage/start/set", "PRESS");
  run_command(gw, "p", "p/site/limits/set", "16");
  EXPECT_EQ(gw.calls, (std::vector<std::string>{"mode garage eco", "limit garage 10", "limit garage none",
                                                "mode garage solar", "start garage", "site 16"}));
  EXPECT_FALSE(run_command(gw, "p", "p/charger/garage/mode", "eco")) << "a state topic is not a command";
  EXPECT_FALSE(run_command(gw, "other", "p/charger/garage/mode/set", "eco"));
}

TEST(MqttCommands, RefusalsAreTheRestApisWords) {
  FakeGateway gw;
  auto same = [&](const std::optional<CommandAnswer>& a, const CommandReply& rest) {
    ASSERT_TRUE(a);
    json got = json::parse(a->payload);
    EXPECT_EQ(got["status"], rest.status);
    EXPECT_EQ(got["error"], rest.body["error"]);
    EXPECT_EQ(got["field"], rest.body["field"]);
  };
  same(run_command(gw, "p", "p/charger/garage/mode/set", "turbo"), command_mode(gw, "garage", R"({"mode":"turbo"})"));
  same(run_command(gw, "p", "p/charger/garage/limit/set", "99"), command_limit(gw, "garage", R"({"max_current":99})"));
  same(run_command(gw, "p", "p/charger/garage/limit/set", "ten"), command_limit(gw, "garage", R"({"max_current":"ten"})"));
  same(run_command(gw, "p", "p/charger/nowhere/mode/set", "eco"), command_mode(gw, "nowhere", R"({"mode":"eco"})"));
  same(run_command(gw, "p", "p/charger/garage/stop/set", ""), command_stop(gw, "garage"));
  auto unknown = run_command(gw, "p", "p/charger/garage/explode/set", "");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(json::parse(unknown->payload)["status"], 404);
  EXPECT_NE(json::parse(run_command(gw, "p", "p/charger/garage/mode/set", "turbo")->payload)["error"], nullptr);
}

}  // namespace
}  // namespace ampgate::api::mqtt
