#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drivers/p1/source.h"

namespace ampgate::drivers::p1 {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

StreamSource::~StreamSource() { close_stream(); }

void StreamSource::close_stream() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

P1Result StreamSource::read(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  if (fd_ < 0) {
    std::string error;
    fd_ = open_stream(timeout, error);
    if (fd_ < 0) return fail(describe() + ": " + error);
  }
  for (;;) {
    std::optional<Telegram> newest;
    while (auto text = reader_.next()) {
      auto r = parse_telegram(*text, Clock::now());
      if (r.telegram) {
        ++counters_.good;
        newest = std::move(r.telegram);
      } else {
        ++counters_.bad;
        counters_.last_error = describe() + ": " + r.error;
      }
    }
    if (reader_.dropped_telegrams() != dropped_seen_) {
      counters_.bad += reader_.dropped_telegrams() - dropped_seen_;
      dropped_seen_ = reader_.dropped_telegrams();
      counters_.last_error = describe() + ": telegram cut off by the next one";
    }
    if (newest) return P1Result{std::move(newest), {}};

    const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return fail(describe() + ": no good telegram within " + std::to_string(timeout.count()) + " ms");
    pollfd p{fd_, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(describe() + ": poll: " + errno_text());
    if (n == 0) continue;  // the deadline check above ends the wait
    char buf[2048];
    const ssize_t got = ::read(fd_, buf, sizeof buf);
    if (got > 0) {
      reader_.feed(std::string_view(buf, static_cast<std::size_t>(got)));
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      const std::string why = got == 0 ? "closed by the other end" : errno_text();
      close_stream();
      reader_ = TelegramReader{};
      dropped_seen_ = 0;
      return fail(describe() + ": " + why);
    }
  }
}

std::string SerialSource::describe() const {
  return "serial " + path_ + (dsmr22_ ? " 9600 7E1" : " 115200 8N1");
}

int SerialSource::open_stream(milliseconds, std::string& error) {
  const int fd = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open: " + errno_text();
    return -1;
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) {
    error = "not a serial port: " + errno_text();
    ::close(fd);
    return -1;
  }
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | CSTOPB | CRTSCTS);
  if (dsmr22_) {
    tio.c_cflag |= CS7 | PARENB;  // even parity
    tio.c_cflag &= ~static_cast<tcflag_t>(PARODD);
  } else {
    tio.c_cflag |= CS8;
    tio.c_cflag &= ~static_cast<tcflag_t>(PARENB);
  }
  const speed_t speed = dsmr22_ ? B9600 : B115200;
  ::cfsetispeed(&tio, speed);
  ::cfsetospeed(&tio, speed);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) {
    error = "cannot set line settings: " + errno_text();
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string TcpSource::describe() const { return "tcp " + host_ + ":" + std::to_string(port_); }

int TcpSource::open_stream(milliseconds timeout, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res);
  if (rc != 0) {
    error = std::string("cannot resolve host: ") + ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    if (errno == EINPROGRESS) {
      // Wait for the connection within the read timeout rather than the kernel's minutes.
      pollfd p{fd, POLLOUT, 0};
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
        break;
      }
      errno = soerr ? soerr : ETIMEDOUT;
    }
    error = "cannot connect: " + errno_text();
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  return fd;
}

}  // namespace ampgate::drivers::p1
