// GET /api/v1/stream: Server-Sent Events with the site document whenever it changes.
#include <future>
#include <thread>

#include "tests/api/api_fixture.h"

namespace ampgate::test {
namespace {

// Splits the byte stream into SSE events and hands each event's data (JSON) to `on_event`;
// reading stops when `on_event` returns false.
class SseReader {
 public:
  explicit SseReader(std::function<bool(const json&)> on_event) : on_event_(std::move(on_event)) {}
  bool feed(const char* data, std::size_t len) {
    buffer_.append(data, len);
    for (std::size_t end; (end = buffer_.find("\n\n")) != std::string::npos;) {
      const std::string event = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      const auto at = event.find("data: ");
      if (at == std::string::npos) continue;  // a keep-alive comment
      if (!on_event_(json::parse(event.substr(at + 6, event.find('\n', at) - at - 6)))) return false;
    }
    return true;
  }

 private:
  std::function<bool(const json&)> on_event_;
  std::string buffer_;
};

TEST_F(ApiTest, StreamSendsTheSiteThenEachChange) {
  std::vector<json> seen;
  SseReader reader([&](const json& site) {
    seen.push_back(site);
    if (seen.size() == 1) {
      // The loop changes something: the stream must carry it.
      gateway.edit([](api::SiteView& s) { s.chargers[1].mode = config::Mode::eco_plus; });
      return true;
    }
    return false;
  });
  auto r = client->Get("/api/v1/stream", [&](const char* d, std::size_t n) { return reader.feed(d, n); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]["chargers"][1]["mode"], "solar");
  EXPECT_EQ(seen[1]["chargers"][1]["mode"], "eco_plus");
  EXPECT_GT(seen[1]["version"].get<std::uint64_t>(), seen[0]["version"].get<std::uint64_t>());
}

TEST_F(ApiTest, StreamSendsAtMostOneDocumentPerControlPeriod) {
  gateway.edit([](api::SiteView& s) { s.control_period = 2.0; });
  std::vector<json> seen;
  std::uint64_t last_version = 0;
  SseReader reader([&](const json& site) {
    seen.push_back(site);
    if (seen.size() == 1) {
      // A burst of changes right after a document: they must arrive together, once.
      for (int i = 0; i < 20; ++i) gateway.edit([i](api::SiteView& s) { s.chargers[0].setpoint.current = 6.0 + i; });
      last_version = gateway.version();
      return true;
    }
    return false;
  });
  client->Get("/api/v1/stream", [&](const char* d, std::size_t n) { return reader.feed(d, n); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1]["version"], last_version);
  EXPECT_EQ(seen[1]["chargers"][0]["setpoint"]["current"], 25.0);
}

TEST_F(ApiTest, StreamAnswersAsEventStream) {
  std::string content_type;
  SseReader reader([](const json&) { return false; });
  auto r = client->Get(
      "/api/v1/stream", httplib::Headers{},
      [&](const httplib::Response& res) {
        content_type = res.get_header_value("Content-Type");
        return true;
      },
      [&](const char* d, std::size_t n) { return reader.feed(d, n); });
  EXPECT_EQ(content_type, "text/event-stream");
}

TEST_F(ApiTest, StreamClientsAreBounded) {
  server->stop();
  start_server(false, /*max_stream_clients=*/1);
  std::promise<void> connected;
  std::atomic<bool> done{false};
  std::thread first([&] {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    bool signalled = false;
    SseReader reader([&](const json&) {
      if (!signalled) connected.set_value();
      signalled = true;
      return !done.load();
    });
    c.Get("/api/v1/stream", [&](const char* d, std::size_t n) { return reader.feed(d, n); });
    if (!signalled) connected.set_value();
  });
  connected.get_future().wait();
  auto r = client->Get("/api/v1/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(error_body(r)["error"].get<std::string>().find("too many live clients (1)"), std::string::npos);
  done = true;
  gateway.edit([](api::SiteView& s) { s.name = "changed"; });  // one more event lets `first` hang up
  first.join();
}

TEST_F(ApiTest, StopEndsOpenStreams) {
  std::promise<void> connected;
  std::thread watcher([&] {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(30, 0);
    bool signalled = false;
    SseReader reader([&](const json&) {
      if (!signalled) connected.set_value();
      signalled = true;
      return true;
    });
    c.Get("/api/v1/stream", [&](const char* d, std::size_t n) { return reader.feed(d, n); });
    if (!signalled) connected.set_value();
  });
  connected.get_future().wait();
  server->stop();  // must not wait for the client to leave
  watcher.join();
  EXPECT_FALSE(client->Get("/api/v1/site"));  // nothing listens any more
}

}  // namespace
}  // namespace ampgate::test
