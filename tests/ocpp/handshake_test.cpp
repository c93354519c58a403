// Who may connect: the rules judged before the WebSocket upgrade.
#include <gtest/gtest.h>

#include "gateway/ocpp/handshake.h"

namespace ampgate::ocpp {
namespace {

const std::vector<Access> site{{"evnet-1", "s3cret-password-1"}, {"evnet-2", "another-password"}};

std::string basic(const std::string& user_pass) { return "Basic " + base64_encode(user_pass); }

HandshakeDecision decide(std::string_view target, std::optional<std::string> auth, std::string_view protocols = "ocpp1.6") {
  return decide_handshake(true, target, auth ? std::optional<std::string_view>(*auth) : std::nullopt, protocols, site);
}

TEST(OcppHandshake, TheRightIdPasswordAndSubprotocolAreLetIn) {
  auto d = decide("/ocpp/evnet-1", basic("evnet-1:s3cret-password-1"), "ocpp1.5, ocpp1.6");
  EXPECT_EQ(d.refusal, Refusal::none);
  EXPECT_EQ(d.charge_point, "evnet-1");
}

TEST(OcppHandshake, RefusalsAndTheirHttpStatus) {
  EXPECT_EQ(decide("/ocpp/unknown", basic("unknown:x")).http_status, 404);
  EXPECT_EQ(decide("/other/evnet-1", basic("evnet-1:s3cret-password-1")).http_status, 404);
  EXPECT_EQ(decide("/ocpp/", basic(":x")).http_status, 404);
  EXPECT_EQ(decide("/ocpp/evnet-1/extra", basic("evnet-1:s3cret-password-1")).http_status, 404);
  auto none = decide("/ocpp/evnet-1", std::nullopt);
  EXPECT_EQ(none.refusal, Refusal::no_credentials);
  EXPECT_EQ(none.http_status, 401);
  EXPECT_EQ(decide("/ocpp/evnet-1", basic("evnet-1:wrong")).refusal, Refusal::bad_credentials);
  // Another charge point's password does not open this one.
  EXPECT_EQ(decide("/ocpp/evnet-1", basic("evnet-2:another-password")).refusal, Refusal::bad_credentials);
  EXPECT_EQ(decide("/ocpp/evnet-1", basic("evnet-1:s3cret-password-1x")).refusal, Refusal::bad_credentials);
  EXPECT_EQ(decide("/ocpp/evnet-1", std::string("Bearer abc")).refusal, Refusal::bad_credentials);
  EXPECT_EQ(decide("/ocpp/evnet-1", std::string("Basic !!!!")).refusal, Refusal::bad_credentials);
  auto proto = decide("/ocpp/evnet-1", basic("evnet-1:s3cret-password-1"), "ocpp2.0.1");
  EXPECT_EQ(proto.refusal, Refusal::no_subprotocol);
  EXPECT_EQ(proto.http_status, 400);
  EXPECT_EQ(decide("/ocpp/evnet-1", basic("evnet-1:s3cret-password-1"), "").refusal, Refusal::no_subprotocol);
  EXPECT_EQ(decide_handshake(false, "/ocpp/evnet-1", std::nullopt, "ocpp1.6", site).http_status, 400);
}

TEST(OcppHandshake, ACaseDifferentSchemeAndAQueryStringAreAccepted) {
  std::string lower = "basic " + base64_encode("evnet-1:s3cret-password-1");
  EXPECT_EQ(decide("/ocpp/evnet-1?x=1", lower).refusal, Refusal::none);
}

TEST(OcppHandshake, Base64RoundTripsAndRejectsJunk) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "evnet-1:pass word"})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("a=bc"));
  EXPECT_FALSE(base64_decode("ab*c"));
}

}  // namespace
}  // namespace ampgate::ocpp
