#pragma once
// Whether a WebSocket upgrade request may become an OCPP connection, decided before the
// upgrade from the request line and headers alone (no I/O, so every rule is a table test):
// the path names a declared charge point (/ocpp/<id>), HTTP Basic credentials carry that
// id and its password (OCPP 1.6 security profiles 1 and 2), and the client offers the
// `ocpp1.6` subprotocol.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ampgate::ocpp {

inline constexpr std::string_view subprotocol = "ocpp1.6";
inline constexpr std::string_view path_prefix = "/ocpp/";

struct Access {
  std::string id;        // the charge point identity, last part of the URL
  std::string password;  // its AuthorizationKey (HTTP Basic password)
};

enum class Refusal : unsigned char {
  none, not_websocket, unknown_id, no_credentials, bad_credentials, no_subprotocol,
  tls_handshake, upgrade_failed  // found by the server itself, not by decide_handshake
};
const char* to_string(Refusal r);

struct HandshakeDecision {
  Refusal refusal = Refusal::none;
  int http_status = 101;       // what to answer when refused: 400, 401 or 404
  std::string charge_point;    // the id, when the path named one
  std::string reason;          // for the log and the response body
};

HandshakeDecision decide_handshake(bool is_websocket_upgrade, std::string_view target,
                                   std::optional<std::string_view> authorization, std::string_view offered_protocols,
                                   std::span<const Access> access);

// RFC 4648 base64 (standard alphabet, padding required); nullopt when not valid.
std::optional<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);

}  // namespace ampgate::ocpp
