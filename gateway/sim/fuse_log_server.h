#pragma once
// A tiny HTTP endpoint on loopback so tests and the demo can read the fuse log (and the
// chargers' state) from outside the simulator process: GET /fuse-log, GET /state.
#include <memory>
#include <string>

namespace ampgate::sim {

class Simulator;

class FuseLogServer {
 public:
  explicit FuseLogServer(const Simulator& simulator);
  ~FuseLogServer();
  // Listens on 127.0.0.1:port (0 = a free port); throws std::runtime_error when it cannot.
  void start(int port);
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ampgate::sim
