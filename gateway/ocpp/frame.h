#pragma once
// OCPP-J framing (OCPP 1.6 JSON over WebSocket, section 4): every WebSocket text message is
// one JSON array, a CALL [2, id, action, payload], a CALLRESULT [3, id, payload] or a
// CALLERROR [4, id, code, description, details]. Parsing never throws: a frame that does not
// fit comes back as a FrameError carrying the CALLERROR the peer should get.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace ampgate::ocpp {

using Json = nlohmann::json;

// The error codes of OCPP-J 1.6 (section 4.2.3), spelled as on the wire; the spec's own
// misspelling "OccurenceConstraintViolation" is the wire word.
enum class ErrorCode : unsigned char {
  NotImplemented,              // action unknown to us
  NotSupported,                // action known, but we do not do it
  InternalError,
  ProtocolError,               // payload incomplete (a required field is missing)
  SecurityError,
  FormationViolation,          // not JSON, or not the frame/PDU structure
  PropertyConstraintViolation, // a field holds a value outside its allowed set or range
  OccurenceConstraintViolation,
  TypeConstraintViolation,     // a field has the wrong JSON type or is too long
  GenericError,
};
inline constexpr int error_code_count = 10;

const char* to_string(ErrorCode c);
std::optional<ErrorCode> parse_error_code(std::string_view s);

// The longest unique id OCPP-J allows (section 4.1.4).
inline constexpr std::size_t max_unique_id = 36;
// The id we answer with when a frame's own id cannot be read (OCPP 2.0.1 names "-1" for this;
// 1.6 is silent, so we borrow it).
inline constexpr const char* unknown_unique_id = "-1";

struct Call {
  std::string id;
  std::string action;
  Json payload;  // always an object
};
struct CallResult {
  std::string id;
  Json payload;  // always an object
};
struct CallError {
  std::string id;
  ErrorCode code = ErrorCode::GenericError;
  std::string description;
  Json details = Json::object();
};
// A frame that could not be taken. `answer` is the CALLERROR to send back, or empty when the
// broken frame was a reply (OCPP-J never answers a CALLRESULT or a CALLERROR).
struct FrameError {
  CallError answer;
  bool answerable = true;
};

using Frame = std::variant<Call, CallResult, CallError>;
using Parsed = std::variant<Call, CallResult, CallError, FrameError>;

Parsed parse_frame(std::string_view text);

std::string serialize(const Call& c);
std::string serialize(const CallResult& r);
std::string serialize(const CallError& e);
std::string serialize(const Frame& f);

}  // namespace ampgate::ocpp
