// The token: writes always need it, reads only when configured; the file is made safely.
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "api/auth.h"
#include "tests/api/api_fixture.h"

namespace ampgate::test {
namespace {

TEST_F(ApiTest, WriteWithoutTokenIs401AndNothingHappens) {
  auto r = put("/api/v1/chargers/garage-left/mode", R"({"mode":"off"})", /*with_token=*/false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_NE(error_body(r)["error"].get<std::string>().find("Authorization: Bearer"), std::string::npos);
  EXPECT_TRUE(gateway.commands().empty());
  EXPECT_EQ(get_json("/api/v1/chargers/garage-left")["mode"], "fast");
}

TEST_F(ApiTest, EveryWriteRouteNeedsTheToken) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", "/api/v1/chargers/garage-left/mode"},
           {"PUT", "/api/v1/chargers/garage-left/limit"},
           {"POST", "/api/v1/chargers/garage-left/start"},
           {"POST", "/api/v1/chargers/garage-left/stop"},
           {"PUT", "/api/v1/site/limits"}}) {
    httplib::Headers wrong{{"Authorization", "Bearer " + std::string(token.size(), '0')}};
    auto r = method == "PUT" ? client->Put(path.c_str(), wrong, "{}", "application/json")
                             : client->Post(path.c_str(), wrong, "{}", "application/json");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << method << " " << path;
  }
  EXPECT_TRUE(gateway.commands().empty());
}

TEST_F(ApiTest, ReadsAreOpenByDefault) {
  auto r = client->Get("/api/v1/site");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ApiTest, ReadsNeedTheTokenWhenConfigured) {
  server->stop();
  start_server(/*reads_need_token=*/true);
  for (const char* path : {"/api/v1/site", "/api/v1/chargers", "/api/v1/sessions", "/metrics", "/api/v1/stream"}) {
    auto r = client->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
  }
  auto ok = client->Get("/api/v1/site", auth());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  // The page itself, the health probe and the API description stay open.
  for (const char* path : {"/", "/api/v1/health", "/api/v1/openapi.json"}) {
    auto r = client->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
  }
}

TEST_F(ApiTest, TokenFileIsCreatedMode0600AndLoggedOnce) {
  struct stat st {};
  ASSERT_EQ(stat((dir.path() / "api-token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{64}"))) << token;
  int mentions = 0;
  for (const auto& line : log_lines) mentions += line.find(token) != std::string::npos;
  EXPECT_EQ(mentions, 1);

  // A restart reads the same token and does not print it again.
  const std::string first = token;
  server->stop();
  log_lines.clear();
  start_server();
  EXPECT_EQ(token, first);
  for (const auto& line : log_lines) EXPECT_EQ(line.find(token), std::string::npos) << line;
}

TEST(ApiToken, UnwritableTokenFileIsAnErrorThatNamesIt) {
  auto r = api::load_or_create_token("/nonexistent-dir/api-token");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("/nonexistent-dir/api-token"), std::string::npos);
}

TEST(ApiToken, EmptyTokenFileIsRefused) {
  TempDir dir;
  const auto path = (dir.path() / "t").string();
  std::ofstream(path) << "\n";
  auto r = api::load_or_create_token(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("is empty"), std::string::npos);
}

TEST(ApiToken, ComparisonAcceptsOnlyTheExactToken) {
  const std::string t = "3f9a0c";
  EXPECT_TRUE(api::tokens_equal(t, "3f9a0c"));
  EXPECT_FALSE(api::tokens_equal(t, "3f9a0d"));
  EXPECT_FALSE(api::tokens_equal(t, "3f9a0"));     // a prefix
  EXPECT_FALSE(api::tokens_equal(t, "3f9a0c0"));   // longer
  EXPECT_FALSE(api::tokens_equal(t, ""));
  EXPECT_FALSE(api::tokens_equal("", ""));         // no token configured never matches
  EXPECT_TRUE(api::bearer_matches(t, "Bearer 3f9a0c"));
  EXPECT_TRUE(api::bearer_matches(t, "bearer 3f9a0c"));
  EXPECT_FALSE(api::bearer_matches(t, "Basic 3f9a0c"));
  EXPECT_FALSE(api::bearer_matches(t, "3f9a0c"));
}

}  // namespace
}  // namespace ampgate::test
