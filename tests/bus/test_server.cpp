#include "tests/bus/test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <stdexcept>

namespace ampgate::test {

namespace {

std::uint16_t crc16(const std::uint8_t* p, std::size_t n) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
  }
  return crc;
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void put16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x & 0xFF));
}

// Length of the RTU request frame starting at `f`, 0 when more bytes are needed to tell.
std::size_t rtu_frame_length(const std::vector<std::uint8_t>& f) {
  if (f.size() < 2) return 0;
  switch (f[1]) {
    case 3: case 4: case 6: return 8;
    case 16: return f.size() < 7 ? 0 : 9 + std::size_t{f[6]};
    default: return 2;  // unsupported: answered with exception 1 after a plain 8-byte frame
  }
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

TestServer::TestServer(Kind kind) : kind_(kind) {
  for (int u = 1; u <= units; ++u)
    for (int a = 0; a < registers; ++a) {
      units_[u].holding[a] = initial_holding(u, a);
      units_[u].input[a] = initial_input(u, a);
    }
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  if (kind == Kind::rtu) {
    char name[128];
    if (openpty(&master_fd_, &slave_fd_, name, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
    // Keep our slave fd open: without it the master reads EIO until the client opens the path.
    termios t{};
    tcgetattr(slave_fd_, &t);
    cfmakeraw(&t);
    tcsetattr(slave_fd_, TCSANOW, &t);
    pty_path_ = name;
    thread_ = std::thread([this] { run_rtu(); });
  } else {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // ephemeral: tests run in parallel
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 4) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run_tcp(); });
  }
}

TestServer::~TestServer() {
  std::uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) != sizeof one) std::abort();
  thread_.join();
  for (int fd : {stop_fd_, master_fd_, slave_fd_, listen_fd_})
    if (fd >= 0) close(fd);
}

void TestServer::set_fault(int unit, Fault fault, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  units_.at(unit).fault = fault;
  units_.at(unit).delay = delay;
}

std::uint16_t TestServer::holding(int unit, int address) {
  std::lock_guard lock(mutex_);
  return units_.at(unit).holding.at(address);
}

int TestServer::requests_seen(int unit) {
  std::lock_guard lock(mutex_);
  return units_.at(unit).seen;
}

void TestServer::drop_connections() {
  drop_ = true;
  std::uint64_t one = 1;  // wakes the server so it drops them now, not at the next request
  if (write(stop_fd_, &one, sizeof one) != sizeof one) std::abort();
  std::unique_lock lock(mutex_);
  dropped_.wait(lock, [this] { return !drop_; });
}

bool TestServer::wait_readable(int fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) return false;
    if (fds[1].revents & POLLIN) {
      std::uint64_t v;
      if (read(stop_fd_, &v, sizeof v) < 0) return false;
      if (!drop_) return false;
      return true;  // a drop request: let the caller look at drop_
    }
    if (fds[0].revents) return true;
  }
}

std::vector<std::uint8_t> TestServer::answer(int unit, const std::vector<std::uint8_t>& pdu, bool& corrupt) {
  std::chrono::milliseconds delay{0};
  std::vector<std::uint8_t> out;
  {
    std::lock_guard lock(mutex_);
    if (unit < 1 || unit > units) return out;  // nobody at this address
    auto& u = units_[unit];
    ++u.seen;
    if (u.fault == Fault::silent) return out;
    corrupt = u.fault == Fault::bad_crc;
    if (u.fault == Fault::slow) delay = u.delay;
    const std::uint8_t fc = pdu[0];
    auto exception = [&](std::uint8_t code) { out = {static_cast<std::uint8_t>(fc | 0x80), code}; };
    if (u.fault == Fault::exception) {
      exception(4);
    } else if ((fc == 3 || fc == 4) && pdu.size() >= 5) {
      std::uint16_t addr = be16(&pdu[1]), count = be16(&pdu[3]);
      if (count == 0 || count > 125) exception(3);
      else if (addr + count > registers) exception(2);
      else {
        out = {fc, static_cast<std::uint8_t>(2 * count)};
        for (int i = 0; i < count; ++i) put16(out, (fc == 3 ? u.holding : u.input)[addr + i]);
      }
    } else if (fc == 6 && pdu.size() >= 5) {
      std::uint16_t addr = be16(&pdu[1]), value = be16(&pdu[3]);
      if (addr >= registers) exception(2);
      else if (addr == 15 && value != 0 && (value < 6 || value > 32)) exception(3);
      else {
        u.holding[addr] = value;
        out.assign(pdu.begin(), pdu.begin() + 5);
      }
    } else if (fc == 16 && pdu.size() >= 6) {
      std::uint16_t addr = be16(&pdu[1]), count = be16(&pdu[3]);
      if (addr + count > registers || pdu.size() < 6u + 2u * count) exception(2);
      else {
        for (int i = 0; i < count; ++i) u.holding[addr + i] = be16(&pdu[6 + 2 * i]);
        out.assign(pdu.begin(), pdu.begin() + 5);
      }
    } else {
      exception(1);
    }
  }
  // The fault under test: a device that answers after the client has given up.
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  return out;
}

void TestServer::run_rtu() {
  std::vector<std::uint8_t> buf;
  std::uint8_t chunk[512];
  while (wait_readable(master_fd_)) {
    ssize_t n = read(master_fd_, chunk, sizeof chunk);
    if (n <= 0) continue;
    buf.insert(buf.end(), chunk, chunk + n);
    while (std::size_t len = rtu_frame_length(buf)) {
      if (buf.size() < len) break;
      std::vector<std::uint8_t> frame(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      if (len < 4 || crc16(frame.data(), len - 2) != (frame[len - 2] | frame[len - 1] << 8)) {
        buf.clear();  // lost sync: wait for the next request
        break;
      }
      bool corrupt = false;
      auto pdu = answer(frame[0], std::vector<std::uint8_t>(frame.begin() + 1, frame.end() - 2), corrupt);
      if (pdu.empty()) continue;
      std::vector<std::uint8_t> rsp{frame[0]};
      rsp.insert(rsp.end(), pdu.begin(), pdu.end());
      std::uint16_t crc = crc16(rsp.data(), rsp.size());
      if (corrupt) crc ^= 0x5A5A;
      rsp.push_back(static_cast<std::uint8_t>(crc & 0xFF));
      rsp.push_back(static_cast<std::uint8_t>(crc >> 8));
      write_all(master_fd_, rsp);
    }
  }
}

void TestServer::run_tcp() {
  int client = -1;
  std::vector<std::uint8_t> buf;
  std::uint8_t chunk[512];
  while (true) {
    if (!wait_readable(client >= 0 ? client : listen_fd_)) break;
    if (drop_) {
      if (client >= 0) close(client);
      client = -1;
      buf.clear();
      std::lock_guard lock(mutex_);
      drop_ = false;
      dropped_.notify_all();
      continue;
    }
    if (client < 0) {
      client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      continue;
    }
    ssize_t n = read(client, chunk, sizeof chunk);
    if (n <= 0) {  // the client went away; wait for the next one
      close(client);
      client = -1;
      buf.clear();
      continue;
    }
    buf.insert(buf.end(), chunk, chunk + n);
    while (buf.size() >= 7 && buf.size() >= 6u + be16(&buf[4])) {
      std::size_t len = 6u + be16(&buf[4]);
      std::vector<std::uint8_t> adu(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      bool corrupt = false;
      auto pdu = answer(adu[6], std::vector<std::uint8_t>(adu.begin() + 7, adu.end()), corrupt);
      if (pdu.empty()) continue;
      // TCP has no CRC; the nearest thing is an answer that belongs to no request.
      std::vector<std::uint8_t> rsp(adu.begin(), adu.begin() + 4);
      put16(rsp, static_cast<std::uint16_t>(pdu.size() + 1));
      rsp.push_back(adu[6]);
      rsp.insert(rsp.end(), pdu.begin(), pdu.end());
      if (corrupt) rsp[0] ^= 0xFF;  // wrong transaction id
      write_all(client, rsp);
    }
  }
  if (client >= 0) close(client);
}

}  // namespace ampgate::test
