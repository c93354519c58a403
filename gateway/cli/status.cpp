// `ampgate status [--url URL | --config SITE.yaml] [--json] [--token-file FILE]`: what the gateway is doing, on
// one screen, from its REST API.
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/status_text.h"
#include "gateway/cli/options.h"
#include "gateway/config_load.h"

namespace ampgate::cli {
namespace {

constexpr const char* default_url = "http://127.0.0.1:8080";
constexpr const char* usage = "status [--url URL | --config SITE.yaml] [--json] [--token-file FILE]";
constexpr const char* summary = "one-screen dump of a running gateway: phases, chargers, meters, buses";

// Where the site file's gateway listens, as seen from this machine: a wildcard address is
// reached on loopback; an IPv6 address goes in brackets.
std::string url_of(const config::Api& api) {
  std::string host = api.listen;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(api.port);
}

int status(const Args& args) {
  std::string url, token_file, config_path;
  bool as_json = false;
  Options parser("status", usage, summary);
  auto* url_option = parser.app().add_option("--url", url, "the gateway's API (default " + std::string(default_url) + ")")
                         ->type_name("URL");
  parser.config(config_path)->excludes(url_option)->description("find the API (address, port, token file) in the site file");
  parser.app().add_flag("--json", as_json, "print the site document as JSON");
  parser.app().add_option("--token-file", token_file, "send the API token in this file (default with --config: api.token_file)")
      ->type_name("FILE");
  parser.log_level();
  if (auto code = parser.parse(args)) return *code;

  bool token_optional = false;  // the site file's token file, which a reader may not be allowed to open
  if (!config_path.empty()) {
    auto loaded = config::load_site_file(config_path);
    if (!loaded.site) {
      for (const auto& p : loaded.problems) std::cerr << p.format() << "\n";
      std::cerr << "ampgate status: the API is not known from " << config_path << " (fix the site file or give --url)\n";
      return exit_usage;
    }
    url = url_of(loaded.site->api);
    if (token_file.empty()) {
      token_file = loaded.site->api.token_file;
      token_optional = !loaded.site->api.reads_need_token;
    }
  }
  if (url.empty()) url = default_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("http://", 0) != 0) {
    std::cerr << "ampgate status: --url must start with http:// (got '" << url << "')\n";
    return exit_usage;
  }

  httplib::Headers headers;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    std::string token;
    if (in >> token) {
      headers.emplace("Authorization", "Bearer " + token);
    } else if (!token_optional) {  // a site whose reads need no token is read without one
      std::cerr << "ampgate status: cannot read a token from " << token_file << "\n";
      return exit_failure;
    }
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

const Verb verb("status", usage, summary, status);

}  // namespace
}  // namespace ampgate::cli
