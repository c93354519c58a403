// The write routes: validated like site.yaml, refused with a JSON reason, recorded as events.
#include "tests/api/api_fixture.h"

namespace ampgate::test {
namespace {

TEST_F(ApiTest, ModeChangeIsAcceptedShownAndRecorded) {
  auto r = put("/api/v1/chargers/garage-left/mode", R"({"mode":"eco","eco_grid_current":8})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["mode"], "eco");
  EXPECT_EQ(body["effective"], "next control period");
  EXPECT_EQ(gateway.commands(), std::vector<std::string>{"mode garage-left eco"});
  json c = get_json("/api/v1/chargers/garage-left");
  EXPECT_EQ(c["mode"], "eco");
  EXPECT_EQ(c["mode_settings"]["eco_grid_current"], 8.0);
  json events = get_json("/api/v1/events");
  EXPECT_EQ(events[0]["message"], "mode set to eco");
  EXPECT_EQ(events[0]["charger"], "garage-left");
}

TEST_F(ApiTest, UserLimitSetAndRemoved) {
  auto r = put("/api/v1/chargers/garage-right/limit", R"({"max_current":10})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(get_json("/api/v1/chargers/garage-right")["user_limit"], 10.0);
  r = put("/api/v1/chargers/garage-right/limit", R"({"max_current":null})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_TRUE(get_json("/api/v1/chargers/garage-right")["user_limit"].is_null());
  EXPECT_EQ(gateway.commands(), (std::vector<std::string>{"limit garage-right 10", "limit garage-right none"}));
}

TEST_F(ApiTest, StartAndStop) {
  auto stop = client->Post("/api/v1/chargers/garage-left/stop", auth(), "", "application/json");
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->status, 202) << stop->body;
  EXPECT_EQ(get_json("/api/v1/chargers/garage-left")["stopped_by_user"], true);
  auto start = client->Post("/api/v1/chargers/garage-left/start", auth(), "", "application/json");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->status, 202);
  EXPECT_EQ(get_json("/api/v1/chargers/garage-left")["stopped_by_user"], false);
}

TEST_F(ApiTest, CommandTheGatewayRefusesIs409WithItsReason) {
  auto r = client->Post("/api/v1/chargers/drive/stop", auth(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(error_body(r)["error"], "charger 'drive' is not answering; try again when it is");
}

TEST_F(ApiTest, TemporaryMainsLimitSetAndCleared) {
  auto r = put("/api/v1/site/limits", R"({"mains_limit":16,"duration":3600})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  json s = get_json("/api/v1/site");
  EXPECT_EQ(s["mains"]["temporary_limit"], 16.0);
  EXPECT_EQ(s["mains"]["effective_limit"], 16.0);
  r = put("/api/v1/site/limits", R"({"mains_limit":null})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_TRUE(get_json("/api/v1/site")["mains"]["temporary_limit"].is_null());
}

struct BadWrite {
  const char* name;
  const char* path;
  const char* body;
  int status;
  const char* field;  // nullptr = JSON null
  const char* error;  // expected message
};

class BadWriteTest : public ApiTest, public ::testing::WithParamInterface<BadWrite> {};

TEST_P(BadWriteTest, IsRefusedWithStatusFieldAndMessageAndNothingIsCommanded) {
  const BadWrite& w = GetParam();
  auto r = put(w.path, w.body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, w.status) << r->body;
  json e = error_body(r);
  if (w.field) EXPECT_EQ(e["field"], w.field);
  else EXPECT_TRUE(e["field"].is_null()) << e;
  EXPECT_EQ(e["error"], w.error);
  EXPECT_TRUE(gateway.commands().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Api, BadWriteTest,
    ::testing::Values(
        BadWrite{"MalformedJson", "/api/v1/chargers/garage-left/mode", R"({"mode":)", 400, nullptr,
                 "malformed JSON in the request body"},
        BadWrite{"NotAnObject", "/api/v1/chargers/garage-left/mode", R"(["eco"])", 400, nullptr,
                 "the request body must be a JSON object"},
        BadWrite{"ModeWrongType", "/api/v1/chargers/garage-left/mode", R"({"mode":3})", 422, "mode",
                 "expected one of off, fast, eco, eco_plus, solar, got '3'"},
        BadWrite{"UnknownMode", "/api/v1/chargers/garage-left/mode", R"({"mode":"turbo"})", 422, "mode",
                 "'turbo' is not a known value; use one of: off, fast, eco, eco_plus, solar"},
        BadWrite{"ModeMissing", "/api/v1/chargers/garage-left/mode", R"({})", 422, "mode",
                 "missing 'mode': one of off, fast, eco, eco_plus, solar"},
        BadWrite{"EcoCurrentOutOfRange", "/api/v1/chargers/garage-left/mode", R"({"mode":"eco","eco_grid_current":3})",
                 422, "eco_grid_current", "3 A is outside 6–80 A"},
        BadWrite{"UnknownField", "/api/v1/chargers/garage-left/mode", R"({"mode":"eco","turbo":true})", 422, "turbo",
                 "unknown key 'turbo'"},
        BadWrite{"UnknownCharger", "/api/v1/chargers/nope/mode", R"({"mode":"eco"})", 404, "id", "no charger 'nope'"},
        BadWrite{"LimitOutOfRange", "/api/v1/chargers/garage-left/limit", R"({"max_current":90})", 422, "max_current",
                 "90 A is outside 6–80 A"},
        BadWrite{"LimitAboveChargerMaximum", "/api/v1/chargers/garage-left/limit", R"({"max_current":20})", 422,
                 "max_current", "20 A is above max_current 16 A"},
        BadWrite{"LimitWrongType", "/api/v1/chargers/garage-left/limit", R"({"max_current":"10"})", 422, "max_current",
                 "expected a number (in A), got '\"10\"'"},
        BadWrite{"MainsLimitAboveFuse", "/api/v1/site/limits", R"({"mains_limit":30})", 422, "mains_limit",
                 "30 A is above the mains fuse 25 A"},
        BadWrite{"MainsLimitNegative", "/api/v1/site/limits", R"({"mains_limit":-1})", 422, "mains_limit",
                 "-1 A is outside 0–25 A"},
        BadWrite{"DurationWithoutLimit", "/api/v1/site/limits", R"({"mains_limit":null,"duration":60})", 422,
                 "duration", "duration needs a mains_limit"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ApiTest, BodyOver64KiBIsRefusedWith413) {
  std::string big = R"({"mode":"eco","pad":")" + std::string(70 * 1024, 'x') + "\"}";
  auto r = put("/api/v1/chargers/garage-left/mode", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(error_body(r)["error"], "the request body is over 64 KiB");
  EXPECT_TRUE(gateway.commands().empty());
}

TEST_F(ApiTest, BodyJustUnder64KiBIsRead) {
  // Same size class, but within the limit: refused for the unknown field, not for its size.
  std::string body = R"({"mode":"eco","pad":")" + std::string(60 * 1024, 'x') + "\"}";
  auto r = put("/api/v1/chargers/garage-left/mode", body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(error_body(r)["field"], "pad");
}

}  // namespace
}  // namespace ampgate::test
