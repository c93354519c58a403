#include "gateway/sim/tcp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

namespace ampgate::sim {

using SteadyClock = std::chrono::steady_clock;

TcpServer::TcpServer(std::string bus_id, Dispatcher& dispatcher) : bus_id_(std::move(bus_id)), dispatcher_(dispatcher) {}

TcpServer::~TcpServer() { stop(); }

void TcpServer::start(int port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("bus " + bus_id_ + ": cannot open a socket: " + std::strerror(errno));
  const int yes = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener_, 8) != 0) {
    const std::string why = std::strerror(errno);
    close(listener_);
    listener_ = -1;
    throw std::runtime_error("bus " + bus_id_ + ": cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + why +
                             " (use --tcp-ephemeral to let the system pick a free port)");
  }
  socklen_t len = sizeof addr;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  stop_.reset();
  thread_ = std::thread([this] { run(); });
}

void TcpServer::stop() {
  stop_.raise();
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) close(listener_);
  listener_ = -1;
}

void TcpServer::run() {
  std::map<int, std::string> clients;  // fd -> bytes received, not yet served
  while (!stop_.raised()) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const auto& [fd, buf] : clients) fds.push_back({fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        const int yes = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        clients[fd];
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const int fd = fds[i].fd;
      char chunk[1024];
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      bool keep = n > 0;
      if (keep) {
        clients[fd].append(chunk, static_cast<std::size_t>(n));
        keep = serve(fd, clients[fd]);
      }
      if (!keep) {
        close(fd);
        clients.erase(fd);
      }
    }
  }
  for (const auto& [fd, buf] : clients) close(fd);
}

bool TcpServer::serve(int fd, std::string& buf) {
  while (buf.size() >= 7) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(buf.data());
    const std::size_t length = static_cast<std::size_t>((b[4] << 8) | b[5]);
    if (b[2] != 0 || b[3] != 0 || length < 2 || length > 254) return false;  // not Modbus: hang up
    if (buf.size() < 6 + length) return true;
    const std::uint8_t unit = b[6];
    const Pdu request(buf.begin() + 7, buf.begin() + 6 + static_cast<long>(length));
    const std::string header = buf.substr(0, 4);
    buf.erase(0, 6 + length);

    Answer answer;
    if (dispatcher_.has_unit(bus_id_, unit)) {
      answer = dispatcher_.answer(bus_id_, unit, request);
    } else {
      answer.kind = Answer::Kind::reply;
      answer.pdu = exception_pdu(request.empty() ? 0 : request[0], ex_gateway_target_failed);
    }
    if (answer.kind == Answer::Kind::none) continue;
    if (answer.delay_ms > 0 && !stop_.sleep_until(SteadyClock::now() + std::chrono::milliseconds(answer.delay_ms)))
      return false;
    std::string out = header;
    // TCP has no CRC; a damaged answer carries a transaction id the client never sent.
    if (answer.kind == Answer::Kind::bad_crc) out[0] = static_cast<char>(out[0] ^ 0x5A);
    const std::size_t claimed = answer.pdu.size() + 1;
    out.push_back(static_cast<char>(claimed >> 8));
    out.push_back(static_cast<char>(claimed & 0xFF));
    out.push_back(static_cast<char>(unit));
    out.append(answer.pdu.begin(), answer.pdu.end());
    if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) return false;
  }
  return true;
}

}  // namespace ampgate::sim
