#pragma once
// One Bus per configured RS485 port or TCP link. A worker thread owns the link and does
// the blocking libmodbus calls one transaction at a time; callers submit requests from any
// thread and get the reply posted to the control loop's io_context.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <asio/io_context.hpp>

#include "drivers/modbus.h"
#include "gateway/bus/backoff.h"
#include "gateway/bus/bus_stats.h"
#include "gateway/bus/transaction_queue.h"
#include "gateway/config.h"

namespace ampgate::gateway {

struct BusOptions {
  BackoffPolicy backoff;
  std::chrono::seconds busy_window{10};  // window of the busy share in stats()
};

class Bus {
 public:
  // Opens nothing yet: the worker opens the port (or connects) on the first transaction.
  Bus(const config::Bus& bus, asio::io_context& io, BusOptions options = {});
  // For tests and tools: any Client (a fake, or a ModbusLink built elsewhere).
  Bus(std::string id, std::unique_ptr<modbus::Client> client, asio::io_context& io, BusOptions options = {});
  ~Bus();  // stops and joins the worker
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  void start();
  // Joins the worker. Requests still waiting are answered with Outcome::io_error.
  void stop();

  // Queues a transaction; `done` runs on the io_context with the reply. Requests queued
  // before start() wait for it.
  void submit(modbus::Request request, Done done);
  // Queues a transaction and waits for its reply (same queue, same rules).
  modbus::Reply execute(const modbus::Request& request);

  void limit_reads(std::uint8_t unit, std::uint16_t max_registers);
  const std::string& id() const { return id_; }
  BusStats stats() const;
  // Writes waiting to be sent: the loop does not decide again on a new meter sample while
  // the writes of its last decision are still queued (they would be planned twice).
  std::size_t queued_writes() const;

 private:
  void run();
  void serve(Batch batch);
  void deliver(Pending& p, const modbus::Reply& reply);
  modbus::Reply backed_off_reply(const modbus::Request& r, Backoff::Clock::time_point now) const;

  std::string id_;
  std::unique_ptr<modbus::Client> client_;
  asio::io_context& io_;
  Backoff backoff_;  // worker thread only
  StatsRecorder stats_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  TransactionQueue queue_;
  bool running_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ampgate::gateway
