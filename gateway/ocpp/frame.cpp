#include "gateway/ocpp/frame.h"

#include <array>

namespace ampgate::ocpp {

namespace {

constexpr std::array<const char*, error_code_count> error_words{
    "NotImplemented",      "NotSupported", "InternalError", "ProtocolError", "SecurityError", "FormationViolation",
    "PropertyConstraintViolation", "OccurenceConstraintViolation", "TypeConstraintViolation", "GenericError"};

constexpr int call_type = 2, result_type = 3, error_type = 4;

FrameError broken(std::string id, ErrorCode code, std::string why, bool answerable = true) {
  return FrameError{CallError{std::move(id), code, std::move(why), Json::object()}, answerable};
}

// OCPP-J's description is a string of free text; keep it short and printable on the wire.
std::string clipped(std::string s) {
  constexpr std::size_t max_description = 255;
  if (s.size() > max_description) s.resize(max_description);
  return s;
}

// Our own strings may carry bytes from the peer; never let an encoding problem throw.
std::string wire(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

const char* to_string(ErrorCode c) { return error_words[static_cast<std::size_t>(c)]; }

std::optional<ErrorCode> parse_error_code(std::string_view s) {
  for (std::size_t i = 0; i < error_words.size(); ++i)
    if (s == error_words[i]) return static_cast<ErrorCode>(i);
  return std::nullopt;
}

Parsed parse_frame(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return broken(unknown_unique_id, ErrorCode::FormationViolation, "not JSON");
  if (!j.is_array() || j.size() < 3)
    return broken(unknown_unique_id, ErrorCode::FormationViolation, "an OCPP-J frame is a JSON array of 3 to 5 elements");
  // Read the id first, so that every later complaint can be addressed to the right call.
  std::string id = unknown_unique_id;
  const bool id_ok = j[1].is_string() && !j[1].get_ref<const std::string&>().empty() &&
                     j[1].get_ref<const std::string&>().size() <= max_unique_id;
  if (id_ok) id = j[1].get<std::string>();
  if (!j[0].is_number_integer())
    return broken(id, ErrorCode::FormationViolation, "the first element must be the message type 2, 3 or 4");
  const auto type = j[0].get<long long>();
  const bool reply = type == result_type || type == error_type;
  if (type != call_type && !reply)
    return broken(id, ErrorCode::ProtocolError, "message type " + std::to_string(type) + " is not 2, 3 or 4");
  if (!id_ok)
    return broken(id, ErrorCode::FormationViolation, "the unique id must be a string of 1 to 36 characters", !reply);

  if (type == call_type) {
    if (j.size() != 4) return broken(id, ErrorCode::FormationViolation, "a CALL has 4 elements");
    if (!j[2].is_string() || j[2].get_ref<const std::string&>().empty())
      return broken(id, ErrorCode::FormationViolation, "the action must be a non-empty string");
    if (!j[3].is_object()) return broken(id, ErrorCode::FormationViolation, "the payload must be a JSON object");
    return Call{std::move(id), j[2].get<std::string>(), std::move(j[3])};
  }
  if (type == result_type) {
    if (j.size() != 3 || !j[2].is_object())
      return broken(id, ErrorCode::FormationViolation, "a CALLRESULT is [3, id, {payload}]", false);
    return CallResult{std::move(id), std::move(j[2])};
  }
  if (j.size() != 5 || !j[2].is_string() || !j[3].is_string() || !j[4].is_object())
    return broken(id, ErrorCode::FormationViolation, "a CALLERROR is [4, id, code, description, {details}]", false);
  // An unknown code from the peer is kept as GenericError rather than dropping the answer.
  CallError e{std::move(id), parse_error_code(j[2].get<std::string>()).value_or(ErrorCode::GenericError),
              j[3].get<std::string>(), std::move(j[4])};
  return e;
}

std::string serialize(const Call& c) { return wire(Json::array({call_type, c.id, c.action, c.payload})); }
std::string serialize(const CallResult& r) { return wire(Json::array({result_type, r.id, r.payload})); }
std::string serialize(const CallError& e) {
  return wire(Json::array({error_type, e.id, to_string(e.code), clipped(e.description),
                           e.details.is_object() ? e.details : Json::object()}));
}
std::string serialize(const Frame& f) {
  return std::visit([](const auto& x) { return serialize(x); }, f);
}

}  // namespace ampgate::ocpp
