#include "gateway/sim/fuse_log_server.h"

#include <httplib.h>

#include <cstdlib>
#include <optional>
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
  // GET /registers?device=ID[&address=A][&count=N][&input=1]: register values as a client
  // would read them, without feeding any watchdog (tests check what the gateway wrote).
  impl_->server.Get("/registers", [&simulator](const httplib::Request& req, httplib::Response& res) {
    auto number = [&](const char* key, long fallback, long low, long high) -> std::optional<long> {
      if (!req.has_param(key)) return fallback;
      const std::string text = req.get_param_value(key);
      char* end = nullptr;
      const long v = std::strtol(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || v < low || v > high) return std::nullopt;
      return v;
    };
    const std::string device = req.get_param_value("device");
    const auto address = number("address", 0, 0, 65535);
    const auto count = number("count", 50, 1, 200);
    const bool input = req.get_param_value("input") == "1";
    if (device.empty() || !address || !count || *address + *count > 65536) {
      res.status = 400;
      res.set_content("usage: /registers?device=ID[&address=0..65535][&count=1..200][&input=1]\n", "text/plain");
      return;
    }
    nlohmann::json values = nlohmann::json::object();
    for (long a = *address; a < *address + *count; ++a)
      if (auto v = simulator.read_register(device, static_cast<std::uint16_t>(a), input)) values[std::to_string(a)] = *v;
    if (values.empty()) {
      res.status = 404;
      res.set_content("device '" + device + "' has no such registers (or no such device)\n", "text/plain");
      return;
    }
    res.set_content(nlohmann::json{{"device", device}, {"registers", values}}.dump(2), "application/json");
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
