#pragma once
// A real API server on an ephemeral loopback port over the fake site, and a client for it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/server.h"
#include "tests/api/fake_gateway.h"
#include "tests/support/temp_dir.h"

namespace ampgate::test {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { start_server(); }

  void start_server(bool reads_need_token = false, std::size_t max_stream_clients = 8) {
    ServerOptions opts;
    opts.api.listen = "127.0.0.1";
    opts.api.port = 0;
    opts.api.token_file = (dir.path() / "api-token").string();
    opts.api.reads_need_token = reads_need_token;
    opts.max_stream_clients = max_stream_clients;
    opts.log = [this](const std::string& line) { log_lines.push_back(line); };
    server = std::make_unique<api::Server>(gateway, opts);
    auto error = server->start();
    ASSERT_FALSE(error) << *error;
    ASSERT_GT(server->port(), 0);
    std::ifstream in(opts.api.token_file);
    in >> token;
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(10, 0);
  }
  using ServerOptions = api::ServerOptions;

  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token}}; }

  // GET and parse; the status is checked by the caller.
  json get_json(const std::string& path, int expected_status = 200) {
    auto r = client->Get(path.c_str());
    EXPECT_TRUE(r) << "no answer for GET " << path;
    if (!r) return nullptr;
    EXPECT_EQ(r->status, expected_status) << path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << path;
    return json::parse(r->body, nullptr, false);
  }

  httplib::Result put(const std::string& path, const std::string& body, bool with_token = true) {
    return client->Put(path.c_str(), with_token ? auth() : httplib::Headers{}, body, "application/json");
  }

  TempDir dir{"ampgate-api"};
  FakeGateway gateway;
  std::unique_ptr<api::Server> server;
  std::unique_ptr<httplib::Client> client;
  std::string token;
  std::vector<std::string> log_lines;
};

// The body of an error answer, checked for its shape: { "error": string, "field": string|null }.
inline json error_body(const httplib::Result& r) {
  json j = json::parse(r->body, nullptr, false);
  EXPECT_TRUE(j.is_object()) << r->body;
  EXPECT_TRUE(j.contains("error") && j["error"].is_string()) << r->body;
  EXPECT_TRUE(j.contains("field") && (j["field"].is_string() || j["field"].is_null())) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  return j;
}

}  // namespace ampgate::test
