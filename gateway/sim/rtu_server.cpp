#include "gateway/sim/rtu_server.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace ampgate::sim {

using SteadyClock = std::chrono::steady_clock;

std::uint16_t modbus_crc(const std::uint8_t* data, std::size_t size) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

int bits_per_char(const config::RtuLink& link) {
  return 1 + link.data_bits + (link.parity == config::Parity::none ? 0 : 1) + link.stop_bits;
}

double t35_seconds(const config::RtuLink& link) {
  if (link.baud > 19200) return 0.00175;  // fixed by the serial-line spec above 19200 baud
  return 3.5 * bits_per_char(link) / static_cast<double>(link.baud);
}

double wire_seconds(const config::RtuLink& link, std::size_t request_bytes, std::size_t response_bytes,
                    double turnaround_ms) {
  const double chars = static_cast<double>(request_bytes + response_bytes);
  return chars * bits_per_char(link) / static_cast<double>(link.baud) + t35_seconds(link) + turnaround_ms / 1000.0;
}

RtuServer::RtuServer(std::string bus_id, config::RtuLink link, Dispatcher& dispatcher, WireTiming timing)
    : bus_id_(std::move(bus_id)), link_(std::move(link)), dispatcher_(dispatcher), timing_(timing) {}

RtuServer::~RtuServer() { stop(); }

void RtuServer::start(const std::string& link_dir) {
  char name[256] = {};
  if (openpty(&master_, &slave_, name, nullptr, nullptr) != 0)
    throw std::runtime_error("bus " + bus_id_ + ": cannot create a pseudo-terminal: " + std::strerror(errno));
  termios tio{};
  tcgetattr(slave_, &tio);
  cfmakeraw(&tio);  // bytes pass untouched, no echo
  tcsetattr(slave_, TCSANOW, &tio);
  tcgetattr(master_, &tio);
  cfmakeraw(&tio);
  tcsetattr(master_, TCSANOW, &tio);
  fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
  slave_path_ = name;
  if (!link_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(link_dir, ec);
    const auto link = std::filesystem::path(link_dir) / bus_id_;
    std::filesystem::remove(link, ec);
    std::filesystem::create_symlink(slave_path_, link, ec);
    if (ec) throw std::runtime_error("bus " + bus_id_ + ": cannot link " + link.string() + ": " + ec.message());
    link_path_ = link.string();
  }
  stop_.reset();
  thread_ = std::thread([this] { run(); });
}

void RtuServer::stop() {
  stop_.raise();
  if (thread_.joinable()) thread_.join();
  if (!link_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(link_path_, ec);
  }
  if (master_ >= 0) close(master_);
  if (slave_ >= 0) close(slave_);
  master_ = slave_ = -1;
}

long RtuServer::expected_length(const std::string& buf) {
  if (buf.size() < 2) return 0;
  switch (static_cast<std::uint8_t>(buf[1])) {
    case 1: case 2: case 3: case 4: case 5: case 6:
      return 8;
    case 15: case 16:
      return buf.size() < 7 ? 0 : 9 + static_cast<std::uint8_t>(buf[6]);
    default:
      return -1;
  }
}

void RtuServer::run() {
  std::string buf;
  auto last_byte = SteadyClock::now();
  // A frame still incomplete after this much silence is noise; drop it. A pty delivers a
  // frame in one piece, so t3.5 itself would be too tight to wait for slow writers.
  const auto incomplete_timeout = std::chrono::milliseconds(50);
  while (!stop_.raised()) {
    pollfd p{master_, POLLIN, 0};
    const int ready = poll(&p, 1, 20);
    if (ready > 0 && (p.revents & POLLIN)) {
      char chunk[512];
      const ssize_t n = read(master_, chunk, sizeof chunk);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        last_byte = SteadyClock::now();
      }
    } else if (ready > 0 && (p.revents & (POLLHUP | POLLERR))) {
      // Cannot happen while we hold the slave open; avoid a busy loop if it does.
      stop_.sleep_until(SteadyClock::now() + std::chrono::milliseconds(20));
    }
    while (!buf.empty()) {
      const long len = expected_length(buf);
      if (len < 0) {  // unknown function: wait for the line to go quiet, then drop it
        if (SteadyClock::now() - last_byte >= incomplete_timeout) buf.clear();
        break;
      }
      if (len == 0 || buf.size() < static_cast<std::size_t>(len)) {
        if (SteadyClock::now() - last_byte >= incomplete_timeout) buf.clear();
        break;
      }
      std::string frame = buf.substr(0, static_cast<std::size_t>(len));
      buf.erase(0, static_cast<std::size_t>(len));
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(frame.data());
      const std::uint16_t crc = modbus_crc(bytes, frame.size() - 2);
      if (bytes[frame.size() - 2] != (crc & 0xFF) || bytes[frame.size() - 1] != (crc >> 8)) {
        buf.clear();  // a damaged frame: a device stays silent and resynchronises on silence
        break;
      }
      handle(frame, last_byte);
    }
  }
}

void RtuServer::handle(const std::string& frame, SteadyClock::time_point arrived) {
  const auto unit = static_cast<std::uint8_t>(frame[0]);
  if (unit != 0 && !dispatcher_.has_unit(bus_id_, unit)) return;
  const Pdu request(frame.begin() + 1, frame.end() - 2);
  Answer answer = dispatcher_.answer(bus_id_, unit, request);
  if (unit == 0 || answer.kind == Answer::Kind::none) return;
  std::string out(1, static_cast<char>(unit));
  out.append(answer.pdu.begin(), answer.pdu.end());
  std::uint16_t crc = modbus_crc(reinterpret_cast<const std::uint8_t*>(out.data()), out.size());
  if (answer.kind == Answer::Kind::bad_crc) crc ^= 0xA5A5;
  out.push_back(static_cast<char>(crc & 0xFF));
  out.push_back(static_cast<char>(crc >> 8));
  auto due = arrived + std::chrono::milliseconds(answer.delay_ms);
  if (timing_.enabled)
    due += std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(wire_seconds(link_, frame.size(), out.size(), timing_.turnaround_ms)));
  if (due > SteadyClock::now() && !stop_.sleep_until(due)) return;
  std::size_t sent = 0;
  while (sent < out.size() && !stop_.raised()) {
    const ssize_t n = write(master_, out.data() + sent, out.size() - sent);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{master_, POLLOUT, 0};
      poll(&p, 1, 20);
    } else {
      return;
    }
  }
}

}  // namespace ampgate::sim
