#pragma once
// The read side of the control loop (docs/daemon.md "Event-driven control"): one schedule
// per bus (gateway/bus/poll_schedule.h), one device read at a time per bus. A meter read
// is fed to its driver at once and reported, so that a fresh sample triggers a decision;
// a charger's read (all requests of its poll) is handed over whole, so that its failures
// count once per device, not once per request or merged transaction.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "gateway/bus/poll_schedule.h"
#include "gateway/bus/poll_timing.h"
#include "gateway/daemon/site_runtime.h"

namespace ampgate::gateway {

// Everything one read of a charger brought back, in the order the requests were made.
struct ChargerRead {
  std::vector<std::pair<modbus::Request, modbus::Reply>> replies;
  SteadyClock::time_point at;  // when the last answer came in: the time the reading was taken
};

class Poller : public std::enable_shared_from_this<Poller> {
 public:
  struct Hooks {
    std::function<void(MeterRuntime&, bool fresh)> meter_read;  // fresh: some control value was read
    std::function<void(ChargerRuntime&, ChargerRead&)> charger_read;
  };
  Poller(std::shared_ptr<SiteRuntime> runtime, asio::io_context& io, Hooks hooks);
  ~Poller();
  void start();
  void stop();  // no further reads; answers still under way are dropped
  const SiteRuntime* runtime() const { return runtime_.get(); }

 private:
  struct Line {
    Bus* bus = nullptr;
    PollSchedule schedule;
    asio::steady_timer timer;
    std::uint64_t meter_reads = 0;
  };
  void next(Line& line);
  void read_meter(Line& line, MeterRuntime& m);
  void read_charger(Line& line, ChargerRuntime& c);

  std::shared_ptr<SiteRuntime> runtime_;
  asio::io_context& io_;
  Hooks hooks_;
  std::vector<std::unique_ptr<Line>> lines_;
  bool stopped_ = false;
};

// What `ampgate check` says about each serial bus of a site: its poll timing by the rules
// the poller follows. TCP buses are left out (their line time is negligible).
std::vector<BusTiming> site_bus_timing(const SiteRuntime& runtime);
// The same for a site description (builds its drivers; opens nothing). Throws like SiteRuntime.
std::vector<BusTiming> site_bus_timing(const config::Site& site);
// One line: "bus rs485: meters read every 0.25 s (53 % of the line), ...".
std::string describe(const BusTiming& t);

}  // namespace ampgate::gateway
