// The API's handler layer in-process, without HTTP: each input is one request, "METHOD
// TARGET" on the first line and the body after it, routed by the same patterns the server
// registers (api/routes.h) against the fake site of tests/api. Every answer has a status,
// a JSON answer parses, and a refusal says why.
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "api/routes.h"
#include "tests/api/fake_gateway.h"
#include "tests/fuzz/fuzz_bytes.h"

namespace {

using namespace ampgate;

struct Route {
  std::string method;
  std::regex pattern;
  std::string key;
};

const std::vector<Route>& route_patterns() {
  static const std::vector<Route> all = [] {
    std::vector<Route> out;
    for (const auto& r : api::routes()) {
      if (std::string(r.path) == "/api/v1/stream") continue;  // an endless answer, served by the server itself
      out.push_back({r.method, std::regex(api::route_regex(r)), api::route_key(r)});
    }
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t eol = input.find('\n');
  const std::string line = input.substr(0, eol);
  httplib::Request req;
  req.body = eol == std::string::npos ? "" : input.substr(eol + 1);
  const std::size_t space = line.find(' ');
  req.method = space == std::string::npos ? "GET" : line.substr(0, space);
  std::string target = space == std::string::npos ? line : line.substr(space + 1);
  const std::size_t q = target.find('?');
  req.path = httplib::detail::decode_url(target.substr(0, q), false);
  if (q != std::string::npos) httplib::detail::parse_query_text(target.substr(q + 1), req.params);

  const Route* route = nullptr;
  for (const auto& r : route_patterns()) {
    if (r.method == req.method && std::regex_match(req.path, req.matches, r.pattern)) {
      route = &r;
      break;
    }
  }
  if (!route) return 0;  // the server's own 404/405, not the handlers'

  // A fresh site per input, so that every input replays alone exactly as it ran.
  test::FakeGateway gateway;
  api::detail::Handlers handlers;
  api::detail::add_read_handlers(handlers, gateway);
  api::detail::add_write_handlers(handlers, gateway);
  httplib::Response res;
  res.status = -1;
  handlers.at(route->key)(req, res);
  if (res.status == -1) res.status = 200;  // httplib's default for a handler that set content only
  FUZZ_CHECK(res.status >= 200 && res.status < 600);
  if (res.get_header_value("Content-Type") == "application/json") {
    const auto body = nlohmann::json::parse(res.body, nullptr, false);
    FUZZ_CHECK(!body.is_discarded());
    if (res.status >= 400) FUZZ_CHECK(body.contains("error") && body["error"].is_string());
  }
  FUZZ_CHECK(res.status != 500);
  return 0;
}
