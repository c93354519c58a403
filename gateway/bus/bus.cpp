#include "gateway/bus/bus.h"

#include <future>
#include <variant>

#include <asio/post.hpp>

#include "gateway/bus/modbus_link.h"

namespace ampgate::gateway {

namespace {
std::unique_ptr<modbus::Client> make_link(const config::Bus& bus) {
  return std::visit([](const auto& link) -> std::unique_ptr<modbus::Client> { return std::make_unique<ModbusLink>(link); },
                    bus.link);
}

modbus::Reply io_error(const std::string& message) {
  modbus::Reply r;
  r.outcome = modbus::Outcome::io_error;
  r.message = message;
  return r;
}
}  // namespace

Bus::Bus(const config::Bus& bus, asio::io_context& io, BusOptions options)
    : Bus(bus.id, make_link(bus), io, options) {}

Bus::Bus(std::string id, std::unique_ptr<modbus::Client> client, asio::io_context& io, BusOptions options)
    : id_(std::move(id)), client_(std::move(client)), io_(io), backoff_(options.backoff),
      stats_(id_, options.busy_window) {}

Bus::~Bus() { stop(); }

void Bus::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  worker_ = std::thread([this] { run(); });
}

void Bus::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  std::vector<Pending> left;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    left = queue_.take_all();
  }
  for (auto& p : left) deliver(p, io_error("bus " + id_ + " stopped before the request was sent"));
}

void Bus::submit(modbus::Request request, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push(std::move(request), std::move(done));
  }
  wake_.notify_one();
}

modbus::Reply Bus::execute(const modbus::Request& request) {
  auto promise = std::make_shared<std::promise<modbus::Reply>>();
  auto result = promise->get_future();
  {
    std::lock_guard lock(mutex_);
    if (!running_ || stopping_) return io_error("bus " + id_ + " is not running");
    queue_.push(request, [promise](const modbus::Reply& r) { promise->set_value(r); }, false);
  }
  wake_.notify_one();
  return result.get();
}

void Bus::limit_reads(std::uint8_t unit, std::uint16_t max_registers) {
  std::lock_guard lock(mutex_);
  queue_.limit_reads(unit, max_registers);
}

BusStats Bus::stats() const {
  std::size_t queued;
  {
    std::lock_guard lock(mutex_);
    queued = queue_.size();
  }
  return stats_.snapshot(queued);
}

std::size_t Bus::queued_writes() const {
  std::lock_guard lock(mutex_);
  return queue_.writes();
}

void Bus::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Batch batch = queue_.take();
    lock.unlock();
    serve(std::move(batch));
    lock.lock();
  }
}

void Bus::serve(Batch batch) {
  const auto unit = batch.wire.unit;
  auto now = Backoff::Clock::now();
  if (backoff_.check(unit, now) == Backoff::Decision::skip) {
    for (auto& p : batch.members) {
      stats_.record_backed_off(unit);
      deliver(p, backed_off_reply(p.request, now));
    }
    return;
  }
  if (batch.members.size() > 1) stats_.record_coalesced(batch.members.size() - 1);
  auto started = StatsRecorder::Clock::now();
  modbus::Reply reply = client_->execute(batch.wire);
  auto ended = StatsRecorder::Clock::now();
  stats_.record(unit, reply, started, ended);
  backoff_.on_outcome(unit, reply.outcome, ended);
  stats_.set_stale(unit, backoff_.backed_off(unit));
  for (std::size_t i = 0; i < batch.members.size(); ++i) deliver(batch.members[i], batch.reply_for(i, reply));
}

void Bus::deliver(Pending& p, const modbus::Reply& reply) {
  if (!p.post_to_io) {
    p.done(reply);
    return;
  }
  asio::post(io_, [done = std::move(p.done), reply] { done(reply); });
}

modbus::Reply Bus::backed_off_reply(const modbus::Request& r, Backoff::Clock::time_point now) const {
  modbus::Reply reply;
  reply.outcome = modbus::Outcome::backed_off;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_.until_probe(r.unit, now));
  reply.message = "unit " + std::to_string(r.unit) + " on bus " + id_ +
                  " is backed off after repeated timeouts (value stale); next probe in " + std::to_string(wait.count()) +
                  " ms";
  return reply;
}

}  // namespace ampgate::gateway
