#pragma once
// Links: connections to devices that are not on a Modbus bus (P1 streams over serial or
// TCP, HTTP pollers such as HomeWizard; later OCPP and MQTT). Every link has the same shape:
//   - it does its blocking I/O in its own thread (or on the io_context), never in the loop;
//   - it hands what it decoded, stamped with the time the values hold, to the control loop
//     through a LoopPost, so the loop remains the only writer of device state;
//   - stop() asks it to end and joins it; after SiteRuntime::stop() nothing of it runs.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <asio/io_context.hpp>

namespace ampgate::gateway::links {

class Link {
 public:
  virtual ~Link() = default;
  virtual void start() = 0;  // opens nothing before this: a reload builds the new runtime first
  virtual void stop() = 0;   // ends and joins the link's thread; safe to call twice
  virtual std::string describe() const = 0;  // "serial /dev/ttyUSB1 115200 8N1", for logs
};

// Runs functions on the loop thread on behalf of links. Copies share one gate: after
// close() (called on the loop thread or once the loop has ended) nothing posted through
// any copy runs any more, also what was queued but not yet run, so a link's last sample
// can never reach a runtime that has been replaced or destroyed.
class LoopPost {
 public:
  explicit LoopPost(asio::io_context& io) : io_(&io), open_(std::make_shared<std::atomic<bool>>(true)) {}
  void operator()(std::function<void()> fn) const;  // from any thread
  void close() { open_->store(false); }

 private:
  asio::io_context* io_;
  std::shared_ptr<std::atomic<bool>> open_;
};

}  // namespace ampgate::gateway::links
