#include "gateway/daemon/poller.h"

namespace ampgate::gateway {

namespace {
// Slow telemetry (lifetime energy, identity) rides along every this many reads of a device.
constexpr std::uint64_t slow_every = 10;
constexpr std::uint64_t meter_slow_every = 40;  // meters are read about 4 times a second

}  // namespace

Poller::Poller(std::shared_ptr<SiteRuntime> runtime, asio::io_context& io, Hooks hooks)
    : runtime_(std::move(runtime)), io_(io), hooks_(std::move(hooks)) {
  const double period = runtime_->site().policy.control_period;
  std::map<Bus*, Line*> by_bus;
  auto line_of = [&](Bus* bus) -> Line& {
    auto it = by_bus.find(bus);
    if (it != by_bus.end()) return *it->second;
    // A charger is read at most as often as a meter: a fast link is not read in a loop, and
    // its readings are never much older than the sample they are subtracted from.
    const auto interval = meter_read_interval(period);
    lines_.push_back(std::unique_ptr<Line>(new Line{bus, PollSchedule(interval, interval), asio::steady_timer(io_), 0}));
    return *(by_bus[bus] = lines_.back().get());
  };
  auto& meters = runtime_->meters();
  for (std::size_t i = 0; i < meters.size(); ++i)
    if (meters[i].driver && meters[i].bus) line_of(meters[i].bus).schedule.add({PollTarget::Kind::meter, i});
  auto& chargers = runtime_->chargers();
  for (std::size_t i = 0; i < chargers.size(); ++i)
    if (chargers[i].bus) line_of(chargers[i].bus).schedule.add({PollTarget::Kind::charger, i});
}

Poller::~Poller() { stop(); }

void Poller::start() {
  for (auto& l : lines_) next(*l);
}

void Poller::stop() {
  stopped_ = true;
  for (auto& l : lines_) l->timer.cancel();
}

void Poller::next(Line& line) {
  if (stopped_) return;
  auto wake = SteadyClock::time_point::max();
  auto target = line.schedule.next(SteadyClock::now(), wake);
  if (!target) {
    if (wake == SteadyClock::time_point::max()) return;
    line.timer.expires_at(wake);
    line.timer.async_wait([self = shared_from_this(), &line](const std::error_code& ec) {
      if (!ec) self->next(line);
    });
    return;
  }
  if (target->kind == PollTarget::Kind::meter) read_meter(line, runtime_->meters()[target->index]);
  else read_charger(line, runtime_->chargers()[target->index]);
}

void Poller::read_meter(Line& line, MeterRuntime& m) {
  auto level = line.meter_reads++ % meter_slow_every == 0 ? drivers::PollLevel::slow : drivers::PollLevel::fast;
  auto requests = m.driver->poll(level);
  if (requests.empty()) return next(line);
  struct Progress {
    std::size_t left;
    bool fresh = false;
  };
  auto progress = std::make_shared<Progress>(Progress{requests.size()});
  for (const auto& req : requests) {
    line.bus->submit(req, [self = shared_from_this(), &line, &m, req, progress](const modbus::Reply& reply) {
      if (self->stopped_) return;
      // Stamped when the answer is in: the value was sampled no later than this.
      m.driver->on_reply(req, reply, SteadyClock::now());
      if (reply.ok() && req.priority != modbus::Priority::telemetry) progress->fresh = true;
      if (--progress->left > 0) return;
      if (self->hooks_.meter_read) self->hooks_.meter_read(m, progress->fresh);
      self->next(line);
    });
  }
}

void Poller::read_charger(Line& line, ChargerRuntime& c) {
  // A read-back after programming includes the slow block: some chargers report their
  // settings there.
  bool slow = c.readback_due || c.visits % slow_every == 0;
  c.readback_due = false;
  auto requests = c.driver->poll(slow ? drivers::PollLevel::slow : drivers::PollLevel::fast);
  if (requests.empty()) return next(line);
  auto read = std::make_shared<ChargerRead>();
  read->replies.reserve(requests.size());
  auto left = std::make_shared<std::size_t>(requests.size());
  for (const auto& req : requests) {
    line.bus->submit(req, [self = shared_from_this(), &line, &c, req, read, left](const modbus::Reply& reply) {
      if (self->stopped_) return;
      read->replies.emplace_back(req, reply);
      if (--*left > 0) return;
      read->at = SteadyClock::now();
      if (self->hooks_.charger_read) self->hooks_.charger_read(c, *read);
      self->next(line);
    });
  }
}

}  // namespace ampgate::gateway
