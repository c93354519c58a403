// OCPP-J framing: what a charge point gets back for every kind of broken frame.
#include <gtest/gtest.h>

#include "gateway/ocpp/frame.h"

namespace ampgate::ocpp {
namespace {

FrameError error_of(std::string_view text) {
  auto p = parse_frame(text);
  EXPECT_TRUE(std::holds_alternative<FrameError>(p)) << text;
  return std::holds_alternative<FrameError>(p) ? std::get<FrameError>(p) : FrameError{};
}

TEST(OcppFrame, ReadsTheThreeMessageTypes) {
  auto call = parse_frame(R"([2,"19223201","BootNotification",{"chargePointVendor":"EVNET"}])");
  ASSERT_TRUE(std::holds_alternative<Call>(call));
  EXPECT_EQ(std::get<Call>(call).id, "19223201");
  EXPECT_EQ(std::get<Call>(call).action, "BootNotification");
  EXPECT_EQ(std::get<Call>(call).payload["chargePointVendor"], "EVNET");

  auto result = parse_frame(R"([3,"7",{"status":"Accepted"}])");
  ASSERT_TRUE(std::holds_alternative<CallResult>(result));
  EXPECT_EQ(std::get<CallResult>(result).payload["status"], "Accepted");

  auto error = parse_frame(R"([4,"8","NotSupported","no profiles",{}])");
  ASSERT_TRUE(std::holds_alternative<CallError>(error));
  EXPECT_EQ(std::get<CallError>(error).code, ErrorCode::NotSupported);
  EXPECT_EQ(std::get<CallError>(error).description, "no profiles");
}

TEST(OcppFrame, TextThatIsNotJsonIsAFormationViolationWithTheUnknownId) {
  auto e = error_of("[2, \"1\", \"Heartbeat\", {");
  EXPECT_EQ(e.answer.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.answer.id, "-1");
  EXPECT_TRUE(e.answerable);
  EXPECT_EQ(error_of("").answer.code, ErrorCode::FormationViolation);
  EXPECT_EQ(error_of("{\"a\":1}").answer.code, ErrorCode::FormationViolation);
}

TEST(OcppFrame, BrokenCallsAreAnsweredUnderTheirOwnId) {
  auto no_payload = error_of(R"([2,"42","Heartbeat"])");
  EXPECT_EQ(no_payload.answer.id, "42");
  EXPECT_EQ(no_payload.answer.code, ErrorCode::FormationViolation);
  auto list_payload = error_of(R"([2,"43","Heartbeat",[]])");
  EXPECT_EQ(list_payload.answer.id, "43");
  EXPECT_EQ(list_payload.answer.code, ErrorCode::FormationViolation);
  auto number_action = error_of(R"([2,"44",17,{}])");
  EXPECT_EQ(number_action.answer.code, ErrorCode::FormationViolation);
  auto odd_type = error_of(R"([7,"45",{}])");
  EXPECT_EQ(odd_type.answer.id, "45");
  EXPECT_EQ(odd_type.answer.code, ErrorCode::ProtocolError);
}

TEST(OcppFrame, AnIdThatIsNotAStringOfAtMost36IsRefused) {
  EXPECT_EQ(error_of(R"([2,12,"Heartbeat",{}])").answer.id, "-1");
  EXPECT_EQ(error_of(R"([2,"","Heartbeat",{}])").answer.id, "-1");
  const std::string long_id(37, 'x');
  EXPECT_EQ(error_of("[2,\"" + long_id + "\",\"Heartbeat\",{}]").answer.code, ErrorCode::FormationViolation);
  const std::string ok_id(36, 'x');
  EXPECT_TRUE(std::holds_alternative<Call>(parse_frame("[2,\"" + ok_id + "\",\"Heartbeat\",{}]")));
}

TEST(OcppFrame, ABrokenReplyIsNeverAnswered) {
  EXPECT_FALSE(error_of(R"([3,"9","not an object"])").answerable);
  EXPECT_FALSE(error_of(R"([4,"9","GenericError"])").answerable);
  EXPECT_FALSE(error_of(R"([3,9,{}])").answerable);
}

TEST(OcppFrame, AnUnknownErrorCodeFromThePeerIsKeptAsGenericError) {
  auto e = parse_frame(R"([4,"8","Weird","x",{}])");
  ASSERT_TRUE(std::holds_alternative<CallError>(e));
  EXPECT_EQ(std::get<CallError>(e).code, ErrorCode::GenericError);
}

TEST(OcppFrame, SerializesAsTheWireArrays) {
  EXPECT_EQ(serialize(Call{"1", "Reset", {{"type", "Soft"}}}), R"([2,"1","Reset",{"type":"Soft"}])");
  EXPECT_EQ(serialize(CallResult{"2", Json::object()}), R"([3,"2",{}])");
  EXPECT_EQ(serialize(CallError{"3", ErrorCode::OccurenceConstraintViolation, "x", Json::object()}),
            R"([4,"3","OccurenceConstraintViolation","x",{}])");
  // Bytes that are not UTF-8 in our own text never throw on the way out.
  EXPECT_NO_THROW(serialize(CallError{"4", ErrorCode::GenericError, std::string("\xff\xfe"), Json::object()}));
}

TEST(OcppFrame, EveryErrorCodeReadsBackFromItsWord) {
  for (int i = 0; i < error_code_count; ++i) {
    auto c = static_cast<ErrorCode>(i);
    EXPECT_EQ(parse_error_code(to_string(c)), c);
  }
}

}  // namespace
}  // namespace ampgate::ocpp
