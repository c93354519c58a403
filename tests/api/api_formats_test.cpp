// The machine-readable faces of the API: the OpenAPI document and /metrics.
#include <regex>
#include <set>
#include <sstream>

#include "api/routes.h"
#include "tests/api/api_fixture.h"

namespace ampgate::test {
namespace {

std::set<std::string> documented(const json& doc) {
  std::set<std::string> out;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(m + " " + path);
    }
  }
  return out;
}

TEST_F(ApiTest, OpenApiDocumentsExactlyTheRegisteredRoutes) {
  json doc = get_json("/api/v1/openapi.json");
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  const std::set<std::string> registered(server->registered_routes().begin(), server->registered_routes().end());
  EXPECT_EQ(registered.size(), api::routes().size());
  EXPECT_EQ(documented(doc), registered);
}

TEST_F(ApiTest, EveryDocumentedRouteAnswersOnItsMethod) {
  json doc = get_json("/api/v1/openapi.json");
  for (const auto& key : documented(doc)) {
    const std::string method = key.substr(0, key.find(' '));
    std::string path = key.substr(key.find(' ') + 1);
    path = std::regex_replace(path, std::regex("\\{id\\}"), "garage-left");
    path = std::regex_replace(path, std::regex("\\{name\\}"), "app.js");
    if (path == "/api/v1/stream") continue;  // never ends by itself; see api_stream_test
    httplib::Result r = method == "GET"   ? client->Get(path.c_str(), auth())
                        : method == "PUT" ? client->Put(path.c_str(), auth(), "{}", "application/json")
                                          : client->Post(path.c_str(), auth(), "", "application/json");
    ASSERT_TRUE(r) << key;
    EXPECT_NE(r->status, 404) << key << ": " << r->body;
    EXPECT_NE(r->status, 405) << key;
  }
}

TEST_F(ApiTest, WriteRoutesAreDocumentedWithTheirBodyAndBearerSecurity) {
  json doc = get_json("/api/v1/openapi.json");
  const json& mode = doc["paths"]["/api/v1/chargers/{id}/mode"]["put"];
  EXPECT_EQ(mode["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ModeRequest");
  EXPECT_TRUE(mode["responses"].contains("401"));
  EXPECT_TRUE(mode["responses"].contains("422"));
  EXPECT_EQ(mode["security"][0].begin().key(), "bearer");
  EXPECT_EQ(doc["components"]["schemas"]["ModeRequest"]["properties"]["mode"]["enum"].size(), 5u);
}

// Each line is a comment (# HELP/# TYPE), blank, or `name{labels} value`.
TEST_F(ApiTest, MetricsAreValidPrometheusText) {
  auto r = client->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const std::regex sample(R"re([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+(inf|nan)?)re");
  const std::regex comment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+)");
  std::set<std::string> typed;
  std::istringstream in(r->body);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
      if (line.rfind("# TYPE ", 0) == 0) typed.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_TRUE(typed.count(name)) << "sample before its # TYPE: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 30);
}

TEST_F(ApiTest, MetricsCarryTheValuesAndLeaveOutStaleOnes) {
  auto r = client->Get("/metrics");
  ASSERT_TRUE(r);
  const std::string& t = r->body;
  auto has = [&](const std::string& s) { return t.find(s + "\n") != std::string::npos; };
  EXPECT_TRUE(has(R"(ampgate_mains_current_amperes{phase="L1"} 18.5)")) << t;
  EXPECT_TRUE(has(R"(ampgate_mains_limit_amperes{phase="L2"} 24)"));
  EXPECT_TRUE(has(R"(ampgate_charger_setpoint_amperes{charger="garage-left"} 10)"));
  EXPECT_TRUE(has(R"(ampgate_charger_setpoint_amperes{charger="garage-right"} 0)"));  // paused
  EXPECT_TRUE(has(R"(ampgate_charger_session_energy_watthours{charger="garage-left"} 3420)"));
  EXPECT_TRUE(has(R"(ampgate_bus_timeouts_total{bus="rs485-1"} 6)"));
  EXPECT_TRUE(has(R"(ampgate_bus_latency_seconds{bus="rs485-1",quantile="0.99"} 0.044999999999999998)"));
  EXPECT_TRUE(has(R"(ampgate_meter_fresh{meter="garage-meter"} 0)"));
  // Stale: no sample at all rather than a 0 that would look like a free fuse.
  EXPECT_EQ(t.find(R"(ampgate_circuit_current_amperes{circuit="garage")"), std::string::npos);
  EXPECT_EQ(t.find(R"(ampgate_charger_current_amperes{charger="drive")"), std::string::npos);
  EXPECT_EQ(t.find(R"(ampgate_charger_session_energy_watthours{charger="drive")"), std::string::npos);
}

}  // namespace
}  // namespace ampgate::test
