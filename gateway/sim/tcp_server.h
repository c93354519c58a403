#pragma once
// Modbus TCP (MBAP framing) on 127.0.0.1 for one TCP bus of the site; the unit id in the
// MBAP header selects the device. Several clients may connect at once.
#include <string>
#include <thread>

#include "gateway/sim/dispatch.h"

namespace ampgate::sim {

// Exception answered for a unit id no device on the bus has (the Modbus TCP gateway code
// "target device failed to respond"), so a client does not wait out its timeout.
inline constexpr std::uint8_t ex_gateway_target_failed = 0x0B;

class TcpServer {
 public:
  TcpServer(std::string bus_id, Dispatcher& dispatcher);
  ~TcpServer();
  // Listens on 127.0.0.1:port (0 = a free port chosen by the system); throws
  // std::runtime_error when the port cannot be bound.
  void start(int port);
  void stop();
  int port() const { return port_; }

 private:
  void run();
  // Serves every complete request in `buf`; false when the connection must be closed.
  bool serve(int fd, std::string& buf);

  std::string bus_id_;
  Dispatcher& dispatcher_;
  int listener_ = -1;
  int port_ = 0;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace ampgate::sim
