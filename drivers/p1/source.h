#pragma once
// Where P1 telegrams come from when it is not over Modbus (the Smart-stuff dongle is a
// RegisterMeter model, "p1_dongle"): a raw P1 serial port, a ser2net-style TCP socket, or
// a HomeWizard P1 meter's local HTTP API. These are not bus Devices: the gateway reads
// them from their own task, with a timeout, and gets the newest good telegram or an error.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "drivers/p1/telegram.h"

namespace ampgate::drivers::p1 {

struct P1Counters {
  std::uint64_t good = 0;  // telegrams used
  std::uint64_t bad = 0;   // rejected: CRC mismatch, truncated, malformed
  std::string last_error;  // the last reason for a rejection or a failed read
};

struct P1Result {
  std::optional<Telegram> telegram;  // the newest good telegram received in this read
  std::string error;                 // when telegram is empty: why (timeout, I/O, all bad)
};

class P1Source {
 public:
  virtual ~P1Source() = default;
  // Waits at most `timeout` for a good telegram. Telegrams already waiting are all
  // checked and counted; the newest good one is returned.
  virtual P1Result read(std::chrono::milliseconds timeout) = 0;
  virtual std::string describe() const = 0;  // "serial /dev/ttyUSB0 115200 8N1", for logs
  const P1Counters& counters() const { return counters_; }

 protected:
  P1Result fail(std::string error) {
    counters_.last_error = error;
    return P1Result{std::nullopt, std::move(error)};
  }
  P1Counters counters_;
};

// A byte stream (serial port or TCP socket) cut into telegrams. The stream is (re)opened
// on the next read after an error, so a replugged adapter or restarted ser2net recovers.
class StreamSource : public P1Source {
 public:
  ~StreamSource() override;
  P1Result read(std::chrono::milliseconds timeout) override;

 protected:
  // Opens the stream non-blocking; returns the file descriptor, or -1 with `error` set.
  virtual int open_stream(std::chrono::milliseconds timeout, std::string& error) = 0;
  void close_stream();

 private:
  int fd_ = -1;
  TelegramReader reader_;
  std::uint64_t dropped_seen_ = 0;
};

// A P1 port on a serial adapter: 115200 8N1 (DSMR 4/5, e-MUCS) or 9600 7E1 (DSMR 2.2/3).
class SerialSource : public StreamSource {
 public:
  SerialSource(std::string path, bool dsmr22) : path_(std::move(path)), dsmr22_(dsmr22) {}
  std::string describe() const override;

 protected:
  int open_stream(std::chrono::milliseconds timeout, std::string& error) override;

 private:
  std::string path_;
  bool dsmr22_;
};

// A P1 port shared over TCP (ser2net, socat, Wi-Fi P1 bridges in "raw" mode).
class TcpSource : public StreamSource {
 public:
  TcpSource(std::string host, int port) : host_(std::move(host)), port_(port) {}
  std::string describe() const override;

 protected:
  int open_stream(std::chrono::milliseconds timeout, std::string& error) override;

 private:
  std::string host_;
  int port_;
};

// HomeWizard Wi-Fi P1 meter, local API v1 (enable "Local API" in the HomeWizard app):
// GET http://host/api/v1/data, JSON; every field optional.
class HomeWizardSource : public P1Source {
 public:
  HomeWizardSource(std::string host, int port = 80) : host_(std::move(host)), port_(port) {}
  P1Result read(std::chrono::milliseconds timeout) override;
  std::string describe() const override;

 private:
  std::string host_;
  int port_;
};

// The reading of a HomeWizard /api/v1/data document; nullopt with `error` when it is not
// a JSON object. Exposed for tests.
std::optional<Telegram> parse_homewizard_v1(const std::string& json, Clock::time_point received, std::string& error);

}  // namespace ampgate::drivers::p1
