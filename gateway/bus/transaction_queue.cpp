#include "gateway/bus/transaction_queue.h"

#include <algorithm>
#include <limits>
#include <string>

namespace ampgate::gateway {

namespace {
bool is_register_read(const modbus::Request& r) {
  return r.function == modbus::Function::read_holding || r.function == modbus::Function::read_input;
}
}  // namespace

modbus::Reply Batch::reply_for(std::size_t i, const modbus::Reply& wire_reply) const {
  const auto& r = members[i].request;
  if (members.size() == 1 || !wire_reply.ok()) return wire_reply;
  modbus::Reply out = wire_reply;
  auto from = static_cast<std::ptrdiff_t>(r.address - wire.address);
  if (wire_reply.registers.size() < static_cast<std::size_t>(from) + r.count) {
    out.outcome = modbus::Outcome::bad_frame;
    out.registers.clear();
    out.message = "merged read answered with too few registers";
    return out;
  }
  out.registers.assign(wire_reply.registers.begin() + from, wire_reply.registers.begin() + from + r.count);
  return out;
}

void TransactionQueue::limit_reads(std::uint8_t unit, std::uint16_t max_registers) {
  read_limits_[unit] = max_registers;
}

std::uint16_t TransactionQueue::read_limit(std::uint8_t unit) const {
  auto it = read_limits_.find(unit);
  return it == read_limits_.end() ? modbus::max_read_registers : std::min(it->second, modbus::max_read_registers);
}

void TransactionQueue::push(modbus::Request request, Done done, bool post_to_io) {
  items_.push_back({std::move(request), std::move(done), post_to_io, next_seq_++});
}

std::size_t TransactionQueue::pick() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < items_.size(); ++i) {
    const auto& a = items_[i].request;
    const auto& b = items_[best].request;
    if (a.priority < b.priority || (a.priority == b.priority && items_[i].seq < items_[best].seq)) best = i;
  }
  // A write may not overtake an earlier write to the same unit: the device would end up
  // with the older value. Send the earliest one first; it inherits the priority.
  if (items_[best].request.is_write()) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const auto& r = items_[i].request;
      if (r.is_write() && r.unit == items_[best].request.unit && items_[i].seq < items_[best].seq) best = i;
    }
  }
  return best;
}

void TransactionQueue::absorb_reads(Batch& batch) {
  auto& wire = batch.wire;
  const auto limit = read_limit(wire.unit);
  if (limit <= 1) return;
  // A read submitted after a write to the same unit must see that write: never pull it ahead.
  auto first_write = std::numeric_limits<std::uint64_t>::max();
  for (const auto& p : items_)
    if (p.request.is_write() && p.request.unit == wire.unit) first_write = std::min(first_write, p.seq);

  bool grew = true;
  while (grew) {
    grew = false;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const auto& r = items_[i].request;
      if (r.unit != wire.unit || r.function != wire.function || items_[i].seq > first_write) continue;
      unsigned lo = std::min<unsigned>(wire.address, r.address);
      unsigned hi = std::max<unsigned>(wire.address + wire.count, r.address + r.count);
      bool touches = r.address <= wire.address + wire.count && wire.address <= r.address + r.count;
      if (!touches || hi - lo > limit) continue;
      wire.address = static_cast<std::uint16_t>(lo);
      wire.count = static_cast<std::uint16_t>(hi - lo);
      wire.priority = std::min(wire.priority, r.priority);
      batch.members.push_back(std::move(items_[i]));
      items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
      grew = true;
      break;
    }
  }
  if (batch.members.size() > 1) wire.tag += " (+" + std::to_string(batch.members.size() - 1) + " merged)";
}

Batch TransactionQueue::take() {
  auto i = pick();
  Batch batch;
  batch.wire = items_[i].request;
  batch.members.push_back(std::move(items_[i]));
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
  if (is_register_read(batch.wire) && batch.wire.count > 0) absorb_reads(batch);
  return batch;
}

std::size_t TransactionQueue::writes() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Pending& p) { return p.request.is_write(); }));
}

std::vector<Pending> TransactionQueue::take_all() {
  std::vector<Pending> out;
  out.swap(items_);
  return out;
}

}  // namespace ampgate::gateway
