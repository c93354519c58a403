#include "gateway/ocpp/handshake.h"

#include <algorithm>
#include <array>

namespace ampgate::ocpp {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Compares without an early exit, so that the time taken does not tell how much of a
// guessed password was right.
bool same_secret(std::string_view a, std::string_view b) {
  if (b.empty()) return false;  // a charge point without a password is never let in
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % b.size()]);
  return diff == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool offers(std::string_view list, std::string_view wanted) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (trim(list.substr(0, comma)) == wanted) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

HandshakeDecision refuse(Refusal r, int status, std::string id, std::string reason) {
  return {r, status, std::move(id), std::move(reason)};
}

}  // namespace

const char* to_string(Refusal r) {
  constexpr std::array<const char*, 8> words{"none",           "not_websocket",  "unknown_id",    "no_credentials",
                                             "bad_credentials", "no_subprotocol", "tls_handshake", "upgrade_failed"};
  return words[static_cast<std::size_t>(r)];
}

HandshakeDecision decide_handshake(bool is_websocket_upgrade, std::string_view target,
                                   std::optional<std::string_view> authorization, std::string_view offered_protocols,
                                   std::span<const Access> access) {
  if (!is_websocket_upgrade) return refuse(Refusal::not_websocket, 400, "", "expected a WebSocket upgrade");
  target = target.substr(0, target.find('?'));
  if (!target.starts_with(path_prefix)) return refuse(Refusal::unknown_id, 404, "", "the path is /ocpp/<charge point id>");
  const std::string id(target.substr(path_prefix.size()));
  auto entry = std::find_if(access.begin(), access.end(), [&](const Access& a) { return a.id == id; });
  if (id.empty() || entry == access.end())
    return refuse(Refusal::unknown_id, 404, id.substr(0, 64), "no charge point with this id in the site file");
  if (!authorization) return refuse(Refusal::no_credentials, 401, id, "HTTP Basic credentials required");
  std::string_view auth = trim(*authorization);
  constexpr std::string_view scheme = "basic ";
  const bool basic = auth.size() > scheme.size() &&
                     std::equal(scheme.begin(), scheme.end(), auth.begin(),
                                [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b); });
  auto decoded = basic ? base64_decode(trim(auth.substr(scheme.size()))) : std::nullopt;
  const auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) return refuse(Refusal::bad_credentials, 401, id, "malformed HTTP Basic credentials");
  const bool user_ok = decoded->substr(0, colon) == id;
  const bool password_ok = same_secret(std::string_view(*decoded).substr(colon + 1), entry->password);
  if (!user_ok || !password_ok) return refuse(Refusal::bad_credentials, 401, id, "wrong user or password");
  if (!offers(offered_protocols, subprotocol))
    return refuse(Refusal::no_subprotocol, 400, id, "the client must offer the subprotocol ocpp1.6");
  return {Refusal::none, 101, id, ""};
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '=') {
      // Padding only at the very end, at most two.
      if (i + 2 < in.size() || (i + 1 < in.size() && in[i + 1] != '=')) return std::nullopt;
      break;
    }
    const auto v = alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xffu));
    }
  }
  return out;
}

std::string base64_encode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(buffer >> bits) & 0x3fu]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (6 - bits)) & 0x3fu]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

}  // namespace ampgate::ocpp
