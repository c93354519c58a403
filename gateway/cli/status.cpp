// `ampgate status [--url URL] [--json] [--token-file FILE]`: what the gateway is doing, on
// one screen, from its REST API.
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/status_text.h"
#include "gateway/cli/verb.h"

namespace ampgate::cli {
namespace {

constexpr const char* default_url = "http://127.0.0.1:8080";

int status(const Args& args) {
  std::string url = default_url;
  std::string token_file;
  bool as_json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      as_json = true;
    } else if ((args[i] == "--url" || args[i] == "--token-file") && i + 1 < args.size()) {
      (args[i] == "--url" ? url : token_file) = args[i + 1];
      ++i;
    } else {
      std::cerr << "ampgate status: unexpected '" << args[i] << "' (usage: ampgate status [--url URL] [--json] [--token-file FILE])\n";
      return exit_usage;
    }
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("http://", 0) != 0) {
    std::cerr << "ampgate status: --url must start with http:// (got '" << url << "')\n";
    return exit_usage;
  }

  httplib::Headers headers;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    std::string token;
    if (!(in >> token)) {
      std::cerr << "ampgate status: cannot read a token from " << token_file << "\n";
      return exit_failure;
    }
    headers.emplace("Authorization", "Bearer " + token);
  }
  std::signal(SIGPIPE, SIG_IGN);
  httplib::Client client(url);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/api/v1/site", headers);
  if (!res) {
    std::cerr << "ampgate status: cannot reach the gateway at " << url << " (" << httplib::to_string(res.error()) << ")\n";
    return exit_failure;
  }
  if (res->status != 200) {
    std::string why;
    try {
      why = nlohmann::json::parse(res->body).at("error").get<std::string>();
    } catch (const std::exception&) {
      why = "HTTP " + std::to_string(res->status);
    }
    std::cerr << "ampgate status: the gateway at " << url << " answered " << res->status << ": " << why << "\n";
    return exit_failure;
  }
  try {
    const auto site = nlohmann::json::parse(res->body);
    if (as_json) {
      std::cout << site.dump(2) << "\n";
    } else {
      std::cout << api::status_text(site);
    }
  } catch (const std::exception& e) {
    std::cerr << "ampgate status: " << url << " did not send a site document (" << e.what() << ")\n";
    return exit_failure;
  }
  return exit_ok;
}

const Verb verb("status", "status [--url URL] [--json] [--token-file FILE]",
                "one-screen dump of a running gateway: phases, chargers, meters, buses", status);

}  // namespace
}  // namespace ampgate::cli
