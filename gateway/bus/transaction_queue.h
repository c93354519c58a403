#pragma once
// The bus's waiting line, without threads or I/O so its rules can be tested as a table:
//  - served by Request::priority, then first come first served;
//  - writes to one unit go out in the order they were submitted, whatever their priority;
//  - reads of one unit and function whose ranges touch or overlap are sent as one request
//    (at most the unit's read limit, 125 registers by default) and the answer is split.
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "drivers/modbus.h"

namespace ampgate::gateway {

using Done = std::function<void(const modbus::Reply&)>;

struct Pending {
  modbus::Request request;
  Done done;
  bool post_to_io = true;  // false: call `done` on the worker (synchronous execute())
  std::uint64_t seq = 0;
};

// One transaction on the wire and the caller requests it answers.
struct Batch {
  modbus::Request wire;
  std::vector<Pending> members;

  // The reply for member i: its own slice of registers when the merged read succeeded.
  modbus::Reply reply_for(std::size_t i, const modbus::Reply& wire_reply) const;
};

class TransactionQueue {
 public:
  // Some devices answer only small blocks (an SDM630 80 registers) or one value per
  // request (KEBA); a limit of 1 (or 0) turns merging off for that unit.
  void limit_reads(std::uint8_t unit, std::uint16_t max_registers);
  void push(modbus::Request request, Done done, bool post_to_io = true);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t writes() const;  // writes waiting (not the one on the wire)
  Batch take();  // precondition: !empty()
  std::vector<Pending> take_all();

 private:
  std::size_t pick() const;
  void absorb_reads(Batch& batch);
  std::uint16_t read_limit(std::uint8_t unit) const;

  std::vector<Pending> items_;  // short (tens of entries): linear scans are cheapest
  std::map<std::uint8_t, std::uint16_t> read_limits_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace ampgate::gateway
