// Serves the API and the web page over the fake site (tests/api/fake_gateway.h) on loopback,
// for the browser test and the latency benchmark. Prints "port N" once listening, then runs
// until SIGTERM or SIGINT, advancing the fake site once a second so the page has something
// live to show.
//   api_test_server [--port N] [--token-file FILE] [--reads-need-token]
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "api/server.h"
#include "tests/api/fake_gateway.h"

int main(int argc, char** argv) {
  ampgate::config::Api api;
  api.listen = "127.0.0.1";
  api.port = 0;
  api.token_file = "api-token";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--port" && i + 1 < argc) api.port = std::atoi(argv[++i]);
    else if (a == "--token-file" && i + 1 < argc) api.token_file = argv[++i];
    else if (a == "--reads-need-token") api.reads_need_token = true;
    else {
      std::fprintf(stderr, "usage: api_test_server [--port N] [--token-file FILE] [--reads-need-token]\n");
      return 2;
    }
  }
  // Block the stop signals before any thread starts, so that only sigtimedwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ampgate::test::FakeGateway gateway;
  ampgate::api::ServerOptions options;
  options.api = api;
  options.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  ampgate::api::Server server(gateway, options);
  if (auto error = server.start()) {
    std::fprintf(stderr, "api_test_server: %s\n", error->c_str());
    return 1;
  }
  std::printf("port %d\n", server.port());
  std::fflush(stdout);
  const timespec period{1, 0};
  for (;;) {
    const int sig = sigtimedwait(&stop_signals, nullptr, &period);
    if (sig == SIGTERM || sig == SIGINT) break;
    gateway.tick();
  }
  server.stop();
  return 0;
}
