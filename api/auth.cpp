#include "api/auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ampgate::api {

namespace {

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

// 2*bytes hex digits from /dev/urandom, or empty when it cannot be read.
std::string random_hex(std::size_t bytes) {
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string raw(bytes, '\0');
  std::size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::read(fd, raw.data() + got, bytes - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got < bytes) return {};
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += digits[c >> 4];
    hex += digits[c & 0xf];
  }
  return hex;
}

}  // namespace

std::variant<TokenFile, std::string> load_or_create_token(const std::string& path) {
  // O_EXCL: if two processes race, one creates and the other reads the winner's token.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    const std::string hex = random_hex(32);
    if (hex.empty()) {
      ::close(fd);
      ::unlink(path.c_str());
      return "cannot read /dev/urandom to make the API token " + path;
    }
    const std::string line = hex + "\n";
    const bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      return "cannot write the API token file " + path + ": " + std::strerror(errno);
    }
    return TokenFile{hex, true};
  }
  if (errno != EEXIST) return "cannot create the API token file " + path + ": " + std::strerror(errno);
  std::ifstream in(path);
  if (!in) return "cannot read the API token file " + path + ": " + std::strerror(errno);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = trim(ss.str());
  if (token.empty()) return "the API token file " + path + " is empty (delete it to have a new token made)";
  return TokenFile{token, false};
}

bool tokens_equal(const std::string& expected, const std::string& given) {
  // Walk the whole expected token whatever `given` holds; fold the length difference in.
  unsigned diff = expected.size() == given.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0u;
    diff |= static_cast<unsigned char>(expected[i]) ^ g;
  }
  return diff == 0 && !expected.empty();
}

bool bearer_matches(const std::string& expected, const std::string& header_value) {
  static const std::string prefix = "Bearer ";
  if (header_value.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header_value[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return tokens_equal(expected, trim(header_value.substr(prefix.size())));
}

}  // namespace ampgate::api
