#pragma once
// A small Modbus server for transport tests, written from the protocol (not with
// ampgate's code), serving units 1..4 either on the far end of a real pty pair (RTU) or on
// 127.0.0.1 (TCP). Each unit has 100 holding and 100 input registers; holding register 15
// accepts 0 or 6..32 only (exception 3 otherwise), like a charger's current setpoint.
// Faults are set per unit. The server thread is stopped and joined by the destructor.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ampgate::test {

enum class Fault { none, silent, bad_crc, slow, exception };

class TestServer {
 public:
  static constexpr int units = 4;
  static constexpr std::uint16_t registers = 100;
  static std::uint16_t initial_holding(int unit, int address) { return static_cast<std::uint16_t>(unit * 1000 + address); }
  static std::uint16_t initial_input(int unit, int address) { return static_cast<std::uint16_t>(unit * 2000 + address); }

  enum class Kind { rtu, tcp };
  explicit TestServer(Kind kind);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string rtu_path() const { return pty_path_; }  // what the client opens
  int tcp_port() const { return port_; }

  void set_fault(int unit, Fault fault, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  std::uint16_t holding(int unit, int address);
  int requests_seen(int unit);       // frames addressed to this unit, answered or not
  void drop_connections();           // TCP: close the client connection; returns once closed

 private:
  struct Unit {
    std::array<std::uint16_t, registers> holding{};
    std::array<std::uint16_t, registers> input{};
    Fault fault = Fault::none;
    std::chrono::milliseconds delay{0};
    int seen = 0;
  };
  void run_rtu();
  void run_tcp();
  // Answers one request PDU for `unit`; empty = stay silent.
  std::vector<std::uint8_t> answer(int unit, const std::vector<std::uint8_t>& pdu, bool& corrupt);
  bool wait_readable(int fd);  // false when asked to stop

  Kind kind_;
  std::mutex mutex_;
  std::array<Unit, units + 1> units_;
  int stop_fd_ = -1;   // eventfd
  int master_fd_ = -1, slave_fd_ = -1;
  std::string pty_path_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> drop_{false};
  std::condition_variable dropped_;
  std::thread thread_;
};

}  // namespace ampgate::test
