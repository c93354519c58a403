#pragma once
// A Modbus TCP server on loopback for scan tests: several unit ids behind one port, each
// with its own register ranges (reads outside them get exception 2, absent units get no
// answer at all, like an empty RS485 address). Counts every write it receives.
#include <arpa/inet.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <thread>
#include <vector>

namespace ampgate::test {

class TcpPeer {
 public:
  struct Unit {
    int holding_start = 0, holding_count = 0, input_start = 0, input_count = 0;
    std::map<int, std::uint16_t> holding, input;
  };

  explicit TcpPeer(std::map<int, Unit> units) {
    ctx_ = modbus_new_tcp("127.0.0.1", 0);
    listen_fd_ = modbus_tcp_listen(ctx_, 4);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    for (auto& [id, u] : units) {
      auto* m = modbus_mapping_new_start_address(0, 0, 0, 0, u.holding_start, u.holding_count, u.input_start,
                                                 u.input_count);
      for (auto [a, v] : u.holding) m->tab_registers[a - u.holding_start] = v;
      for (auto [a, v] : u.input) m->tab_input_registers[a - u.input_start] = v;
      maps_[id] = m;
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~TcpPeer() {
    stop_ = true;
    thread_.join();
    for (int fd : clients_) close(fd);
    close(listen_fd_);
    for (auto& [id, m] : maps_) modbus_mapping_free(m);
    modbus_free(ctx_);
  }
  int port() const { return port_; }
  int writes() const { return writes_; }

 private:
  void serve() {
    std::vector<std::uint8_t> query(MODBUS_TCP_MAX_ADU_LENGTH);
    while (!stop_) {
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(listen_fd_, &fds);
      int top = listen_fd_;
      for (int fd : clients_) {
        FD_SET(fd, &fds);
        top = std::max(top, fd);
      }
      timeval tv{0, 20000};  // wake up to see stop_
      if (select(top + 1, &fds, nullptr, nullptr, &tv) <= 0) continue;
      if (FD_ISSET(listen_fd_, &fds)) {
        int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) clients_.push_back(fd);
      }
      for (auto it = clients_.begin(); it != clients_.end();) {
        if (!FD_ISSET(*it, &fds)) { ++it; continue; }
        modbus_set_socket(ctx_, *it);
        const int rc = modbus_receive(ctx_, query.data());
        if (rc <= 0) {
          close(*it);
          it = clients_.erase(it);
          continue;
        }
        const int unit = query[6], function = query[7];
        if (function == 5 || function == 6 || function == 15 || function == 16) ++writes_;
        if (auto m = maps_.find(unit); m != maps_.end()) modbus_reply(ctx_, query.data(), rc, m->second);
        ++it;
      }
    }
  }

  modbus_t* ctx_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  std::map<int, modbus_mapping_t*> maps_;
  std::vector<int> clients_;
  std::atomic<bool> stop_{false};
  std::atomic<int> writes_{0};
  std::thread thread_;
};

}  // namespace ampgate::test
