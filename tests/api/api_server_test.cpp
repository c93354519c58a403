// The read routes, as a home-automation client sees them over loopback HTTP.
#include "tests/api/api_fixture.h"

namespace ampgate::test {
namespace {

TEST_F(ApiTest, SiteDocumentHasPhasesChargersMetersAndBuses) {
  json s = get_json("/api/v1/site");
  EXPECT_EQ(s["name"], "Test site");
  EXPECT_EQ(s["mains"]["measured"]["L1"], 18.5);
  EXPECT_EQ(s["mains"]["limit"], 25.0);
  EXPECT_EQ(s["mains"]["effective_limit"], 24.0);
  ASSERT_EQ(s["chargers"].size(), 3u);
  const json& left = s["chargers"][0];
  EXPECT_EQ(left["id"], "garage-left");
  EXPECT_EQ(left["state"], "C");
  EXPECT_EQ(left["mode"], "fast");
  EXPECT_EQ(left["setpoint"]["current"], 10.0);
  EXPECT_EQ(left["actual"]["L2"], 9.9);
  EXPECT_EQ(left["session"]["energy_wh"], 3420.0);
  EXPECT_EQ(left["reason"], "circuit garage L2");
  EXPECT_TRUE(s["chargers"][1]["session"].is_null());
  ASSERT_EQ(s["buses"].size(), 2u);
  EXPECT_EQ(s["buses"][0]["timeouts"], 6);
  EXPECT_EQ(s["buses"][0]["busy"], 0.35);
  EXPECT_EQ(s["version"], gateway.version());
}

TEST_F(ApiTest, StaleValuesAreNullNeverZero) {
  json s = get_json("/api/v1/site");
  const json& garage = s["circuits"][1];
  EXPECT_EQ(garage["id"], "garage");
  EXPECT_EQ(garage["meter_stale"], true);
  EXPECT_TRUE(garage["measured"]["L1"].is_null());
  EXPECT_TRUE(s["chargers"][2]["actual"]["L1"].is_null());  // silent charger
  EXPECT_TRUE(s["meters"][1]["current"]["L3"].is_null());
  EXPECT_EQ(s["meters"][1]["fresh"], false);
  EXPECT_EQ(s["meters"][1]["age"], 42.0);
}

TEST_F(ApiTest, ChargersListAndOneCharger) {
  json all = get_json("/api/v1/chargers");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]["id"], "drive");
  json one = get_json("/api/v1/chargers/garage-right");
  EXPECT_EQ(one["model"], "keba_p30");
  EXPECT_EQ(one["mode"], "solar");
  EXPECT_EQ(one["warnings"][0], "waiting for 6 A of surplus");
}

TEST_F(ApiTest, UnknownChargerIs404NamingIt) {
  auto r = client->Get("/api/v1/chargers/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  json e = error_body(r);
  EXPECT_EQ(e["error"], "no charger 'nope'");
  EXPECT_EQ(e["field"], "id");
}

TEST_F(ApiTest, MetersWithAge) {
  json m = get_json("/api/v1/meters");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["id"], "grid");
  EXPECT_EQ(m[0]["role"], "mains");
  EXPECT_EQ(m[0]["age"], 0.4);
  EXPECT_EQ(m[0]["fresh"], true);
}

TEST_F(ApiTest, CircuitsStartWithTheMains) {
  json c = get_json("/api/v1/circuits");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]["id"], "mains");
  EXPECT_EQ(c[0]["limit"], 25.0);
  EXPECT_EQ(c[0]["meter"], "grid");
  EXPECT_EQ(c[1]["id"], "garage");
  EXPECT_EQ(c[1]["parent"], "mains");
  EXPECT_EQ(c[1]["limit"], 20.0);
}

TEST_F(ApiTest, SessionsNewestFirstWithFilters) {
  json all = get_json("/api/v1/sessions");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["id"], "s-42");
  EXPECT_TRUE(all[0]["ended"].is_null());
  EXPECT_EQ(all[2]["started"], "2024-04-30T10:00:00Z");

  json left = get_json("/api/v1/sessions?charger=garage-left");
  ASSERT_EQ(left.size(), 2u);
  for (const auto& s : left) EXPECT_EQ(s["charger"], "garage-left");

  json window = get_json("/api/v1/sessions?from=2024-05-01T00:00:00Z&to=2024-05-01T11:00:00Z");
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0]["id"], "s-41");

  json unix_from = get_json("/api/v1/sessions?from=1714560000");  // 10:40, after s-41
  ASSERT_EQ(unix_from.size(), 1u);
  EXPECT_EQ(unix_from[0]["id"], "s-42");

  EXPECT_EQ(get_json("/api/v1/sessions?limit=1").size(), 1u);
}

TEST_F(ApiTest, SessionsAsCsv) {
  auto r = client->Get("/api/v1/sessions?format=csv&charger=drive");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv");
  EXPECT_EQ(r->body,
            "id,charger,started,ended,energy_kwh\r\n"
            "s-41,drive,2024-05-01T07:00:00Z,2024-05-01T09:00:00Z,7.400\r\n");
}

TEST_F(ApiTest, BadQueryParametersAre400NamingTheParameter) {
  for (const auto& [path, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/sessions?from=yesterday", "from"},
           {"/api/v1/sessions?to=2024-13-01", "to"},
           {"/api/v1/sessions?format=xml", "format"},
           {"/api/v1/sessions?limit=0", "limit"},
           {"/api/v1/events?limit=abc", "limit"},
           {"/api/v1/history?minutes=100000", "minutes"}}) {
    auto r = client->Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_EQ(error_body(r)["field"], field) << path;
  }
}

// Issue 18: ?from=9999999999 (year 2286) overflowed the nanosecond clock (undefined
// behaviour; a release build read it as 1816). Every time parameter out of range is a 400
// naming the parameter and the range; the edges of the range are still read.
TEST_F(ApiTest, TimesPastTheClockAre400NamingTheParameterAndTheRange) {
  const std::string range = "from 1970-01-01T00:00:00Z (0) to 2199-12-31T23:59:59Z (7258118399)";
  for (const auto& [path, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/sessions?from=9999999999", "from"},
           {"/api/v1/sessions?to=9999999999", "to"},
           {"/api/v1/sessions?from=7258118400", "from"},
           {"/api/v1/sessions?to=9999-12-31T23:59:59Z", "to"},
           {"/api/v1/sessions?from=1969-12-31", "from"},
           {"/api/v1/events?from=999999999999", "from"},
           {"/api/v1/events?to=2262-04-12", "to"}}) {
    auto r = client->Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path;
    const json e = error_body(r);
    EXPECT_EQ(e["field"], field) << path;
    EXPECT_EQ(e["error"], field + " must be an ISO 8601 UTC time or Unix seconds, " + range) << path;
  }
  for (const char* path : {"/api/v1/sessions?from=0&to=7258118399", "/api/v1/events?to=2199-12-31T23:59:59Z"}) {
    auto r = client->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
  }
}

TEST_F(ApiTest, EventsNewestFirst) {
  json e = get_json("/api/v1/events");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]["kind"], "meter_stale");
  EXPECT_TRUE(e[0]["charger"].is_null());
  EXPECT_EQ(get_json("/api/v1/events?from=2030-01-01").size(), 0u);
}

TEST_F(ApiTest, HistoryHasOnePointPerMinuteWithGapsAsNull) {
  json h = get_json("/api/v1/history?minutes=60");
  ASSERT_EQ(h["times"].size(), 61u);
  ASSERT_EQ(h["mains"]["L1"].size(), 61u);
  EXPECT_TRUE(h["mains"]["L1"][22].is_null());
  EXPECT_TRUE(h["mains"]["L1"][0].is_number());
  EXPECT_EQ(h["mains_limit"][0], 24.0);
  ASSERT_EQ(h["chargers"].size(), 3u);
  EXPECT_EQ(h["chargers"][0]["id"], "garage-left");
  EXPECT_EQ(h["chargers"][0]["current"].size(), 61u);
}

TEST_F(ApiTest, HealthyWhenLoopRanAndMainsMeterFresh) {
  json h = get_json("/api/v1/health");
  EXPECT_EQ(h["ok"], true);
  EXPECT_TRUE(h["reason"].is_null());
}

TEST_F(ApiTest, UnhealthyWhenLoopLate) {
  gateway.edit([](api::SiteView& s) { s.loop_last_run = api::WallClock::now() - std::chrono::seconds(5); });
  json h = get_json("/api/v1/health", 503);
  EXPECT_EQ(h["ok"], false);
  EXPECT_NE(h["reason"].get<std::string>().find("control loop last ran"), std::string::npos) << h;
}

TEST_F(ApiTest, UnhealthyWhenMainsMeterStale) {
  gateway.edit([](api::SiteView& s) {
    s.meters[0].fresh = false;
    s.meters[0].age = 9.0;
  });
  json h = get_json("/api/v1/health", 503);
  EXPECT_EQ(h["reason"], "mains meter 'grid' is stale (last reading 9.0 s ago)");
}

// A measured phase over its limit is the thing the gateway exists to prevent: health says
// so even when the loop and the meters are fine.
TEST_F(ApiTest, UnhealthyWhenAMeasuredMainsPhaseIsOverItsFuse) {
  gateway.edit([](api::SiteView& s) { s.mains.measured[0] = 27.5; });
  json h = get_json("/api/v1/health", 503);
  EXPECT_EQ(h["reason"], "mains L1 carries 27.5 A, over its 25.0 A fuse");
}

TEST_F(ApiTest, UnhealthyWhenAMeasuredCircuitPhaseIsOverItsLimit) {
  gateway.edit([](api::SiteView& s) {
    s.circuits[0].meter_stale = false;
    s.circuits[0].measured = {12.0, 21.0, 3.0};
  });
  json h = get_json("/api/v1/health", 503);
  EXPECT_EQ(h["reason"], "circuit garage L2 carries 21.0 A, over its 20.0 A limit");
}

TEST_F(ApiTest, UnhealthyWhenTheDaemonSaysSo) {
  gateway.edit([](api::SiteView& s) { s.health = {false, "database is read-only"}; });
  EXPECT_EQ(get_json("/api/v1/health", 503)["reason"], "database is read-only");
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405WithJson) {
  auto r = client->Get("/api/v1/nothing-here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(error_body(r)["error"].get<std::string>().find("openapi.json"), std::string::npos);

  auto d = client->Delete("/api/v1/site");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 405);
  EXPECT_EQ(d->get_header_value("Allow"), "GET");
  error_body(d);

  auto g = client->Get("/api/v1/chargers/garage-left/mode");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 405);
  EXPECT_EQ(g->get_header_value("Allow"), "PUT");
}

TEST_F(ApiTest, WebPageAndItsAssetsAreServedFromTheBinary) {
  auto page = client->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<title>ampgate"), std::string::npos);
  EXPECT_EQ(page->body.find("://"), std::string::npos) << "the page must not load anything from elsewhere";
  auto js = client->Get("/assets/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("/api/v1/stream"), std::string::npos);
  EXPECT_EQ(js->body.find("://"), std::string::npos);
  auto missing = client->Get("/assets/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ApiTest, SecondServerOnATakenPortFailsWithAMessage) {
  FakeGateway other;
  api::ServerOptions opts;
  opts.api.listen = "127.0.0.1";
  opts.api.port = server->port();
  opts.api.token_file = (dir.path() / "api-token").string();
  opts.log = [](const std::string&) {};
  api::Server second(other, opts);
  auto error = second.start();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("cannot listen on 127.0.0.1:" + std::to_string(server->port())), std::string::npos) << *error;
}

}  // namespace
}  // namespace ampgate::test
