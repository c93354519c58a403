#pragma once
// A P1 port whose line settings are not in the site file: DSMR 4/5 and e-MUCS meters send
// at 115200 8N1, DSMR 2.2/3.0 meters at 9600 7E1. The port is read with one setting until
// it has given no good telegram for `patience` (longer than two of the slowest meters'
// 10 s intervals), then with the other, and so on; a setting that once worked is kept
// until the meter has been silent that long again.
#include <chrono>
#include <memory>
#include <string>

#include "drivers/p1/source.h"

namespace ampgate::gateway::links {

class AutodetectSerialSource final : public drivers::p1::P1Source {
 public:
  explicit AutodetectSerialSource(std::string path, std::chrono::milliseconds patience = std::chrono::seconds(25));
  drivers::p1::P1Result read(std::chrono::milliseconds timeout) override;
  std::string describe() const override { return source_->describe(); }

 private:
  std::string path_;
  bool dsmr22_ = false;
  std::unique_ptr<drivers::p1::SerialSource> source_;  // replaced (port closed) on a switch
  std::chrono::milliseconds patience_;
  std::chrono::steady_clock::time_point last_good_;
  drivers::p1::P1Counters before_;  // counted by the sources replaced so far
};

}  // namespace ampgate::gateway::links
