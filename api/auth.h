#pragma once
// The API token: a secret in a file named by the config (api.token_file). Writes always
// need it; reads only when api.reads_need_token is set.
#include <functional>
#include <string>
#include <variant>

namespace ampgate::api {

struct TokenFile {
  std::string token;
  bool created = false;  // true when this call made the file (the token is then logged once)
};

// Reads the token from `path`; when the file does not exist, creates it with mode 0600 and
// 32 random bytes from /dev/urandom as hex. Returns an error message on failure (unreadable
// file, empty token, directory missing, ...).
std::variant<TokenFile, std::string> load_or_create_token(const std::string& path);

// Compares in time that depends only on the length of `expected`, so a client cannot find
// the token one character at a time by timing the answers.
bool tokens_equal(const std::string& expected, const std::string& given);

// Checks an Authorization header value ("Bearer <token>").
bool bearer_matches(const std::string& expected, const std::string& header_value);

}  // namespace ampgate::api
