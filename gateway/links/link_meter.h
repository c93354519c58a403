#pragma once
// The control loop's view of a meter that a link reads (P1 serial, P1 over TCP, HomeWizard):
// a drivers::Meter like any Modbus meter, so the snapshot, staleness and events treat it
// the same way, but fed by its link's updates instead of by bus replies.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/meter.h"

namespace ampgate::gateway::links {

// What a meter link tells the loop after each read: a reading when it got a good telegram
// (every value stamped with the time it holds), and its running counts.
struct MeterUpdate {
  std::optional<drivers::MeterReading> reading;
  std::uint64_t good = 0;  // telegrams or answers used, since the link started
  std::uint64_t bad = 0;   // rejected (CRC, torn, impossible value, bad JSON) or failed reads
  std::string last_error;
};

class LinkMeter final : public drivers::Meter {
 public:
  LinkMeter(std::string id, std::string model, bool inverted)
      : id_(std::move(id)), model_(std::move(model)), inverted_(inverted) {}

  std::string model() const override { return model_; }
  std::vector<modbus::Request> poll(drivers::PollLevel) const override { return {}; }  // its link reads it
  void on_reply(const modbus::Request&, const modbus::Reply&, drivers::Clock::time_point) override {}
  drivers::MeterReading reading() const override { return reading_; }
  const drivers::MeterStats& stats() const override { return stats_; }
  bool inverted() const override { return inverted_; }
  // Its values are stamped with the time they hold (p1_sample_time): the telegram's own
  // timestamp, whole seconds, so never later than the sample; without one, the arrival of a
  // telegram the meter sends as it measures. The stamp is the sample's earliest moment.
  // (Its latest may be up to a second, or a buffered telegram's delay, after the stamp: a
  // reduction in that gap is not seen by the household rule. Known gap, docs/policies.md.)
  double sample_age() const override { return 0.0; }

  // On the loop thread. New failures are logged, at most one line a minute (a meter on a
  // noisy cable must not flood the log); every one is counted in stats(). Returns true
  // when the update carried a reading.
  bool accept(const MeterUpdate& update);
  // On a reload: the reading of the meter this one replaces (same id, same device). Its
  // values keep their own times, so they age and go stale exactly as they would have.
  void carry_over(const LinkMeter& old) { reading_ = old.reading_; }

 private:
  std::string id_;
  std::string model_;
  bool inverted_;
  drivers::MeterReading reading_;
  drivers::MeterStats stats_;
  std::optional<drivers::Clock::time_point> last_logged_;
  std::uint64_t no_currents_ = 0;  // telegrams refused for carrying no per-phase current
};

// Why a telegram without per-phase currents (DSMR 2.2/3.0) is not used.
inline constexpr const char* no_currents_error =
    "telegram has no per-phase currents (DSMR 2.2/3.0 carry only power): a meter without them cannot guard a fuse; "
    "its circuit runs on policy.meter_lost_fallback";

}  // namespace ampgate::gateway::links
