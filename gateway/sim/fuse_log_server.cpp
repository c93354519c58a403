#include "gateway/sim/fuse_log_server.h"

#include <httplib.h>

#include <stdexcept>
#include <thread>

#include "gateway/sim/simulator.h"

namespace ampgate::sim {

struct FuseLogServer::Impl {
  httplib::Server server;
  std::thread thread;
};

FuseLogServer::FuseLogServer(const Simulator& simulator) : impl_(std::make_unique<Impl>()) {
  impl_->server.Get("/fuse-log", [&simulator](const httplib::Request&, httplib::Response& res) {
    res.set_content(simulator.fuse_log_json().dump(2), "application/json");
  });
  impl_->server.Get("/state", [&simulator](const httplib::Request&, httplib::Response& res) {
    res.set_content(simulator.state_json().dump(2), "application/json");
  });
}

FuseLogServer::~FuseLogServer() { stop(); }

void FuseLogServer::start(int port) {
  auto& s = impl_->server;
  port_ = port == 0 ? s.bind_to_any_port("127.0.0.1") : (s.bind_to_port("127.0.0.1", port) ? port : -1);
  if (port_ <= 0) throw std::runtime_error("cannot serve the fuse log on 127.0.0.1:" + std::to_string(port));
  impl_->thread = std::thread([&s] { s.listen_after_bind(); });
}

void FuseLogServer::stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace ampgate::sim
