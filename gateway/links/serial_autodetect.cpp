#include "gateway/links/serial_autodetect.h"

namespace ampgate::gateway::links {

using drivers::p1::SerialSource;

AutodetectSerialSource::AutodetectSerialSource(std::string path, std::chrono::milliseconds patience)
    : path_(std::move(path)),
      source_(std::make_unique<SerialSource>(path_, dsmr22_)),
      patience_(patience),
      last_good_(std::chrono::steady_clock::now()) {}

drivers::p1::P1Result AutodetectSerialSource::read(std::chrono::milliseconds timeout) {
  auto r = source_->read(timeout);
  counters_.good = before_.good + source_->counters().good;
  counters_.bad = before_.bad + source_->counters().bad;
  if (!r.telegram) counters_.last_error = r.error;
  const auto now = std::chrono::steady_clock::now();
  if (r.telegram) {
    last_good_ = now;
  } else if (now - last_good_ >= patience_) {
    // Line settings belong to the port, not to a descriptor: the old source is closed
    // before the other setting is tried.
    before_.good = counters_.good;
    before_.bad = counters_.bad;
    source_.reset();
    dsmr22_ = !dsmr22_;
    source_ = std::make_unique<SerialSource>(path_, dsmr22_);
    last_good_ = now;
  }
  return r;
}

}  // namespace ampgate::gateway::links
