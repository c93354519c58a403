#include "gateway/bus/modbus_link.h"

#include <modbus/modbus.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace ampgate::gateway {

namespace {

char parity_char(config::Parity p) {
  switch (p) {
    case config::Parity::none: return 'N';
    case config::Parity::even: return 'E';
    case config::Parity::odd: return 'O';
  }
  return 'N';
}

void set_timeout(modbus_t* ctx, double seconds) {
  auto whole = static_cast<std::uint32_t>(seconds);
  auto micro = static_cast<std::uint32_t>(std::lround((seconds - whole) * 1e6));
  modbus_set_response_timeout(ctx, whole, micro);
}

bool is_exception(int err) { return err > MODBUS_ENOBASE && err <= EMBXGTAR; }

bool is_bad_frame(int err) {
  return err == EMBBADCRC || err == EMBBADDATA || err == EMBBADEXC || err == EMBUNKEXC || err == EMBMDATA ||
         err == EMBBADSLAVE;
}

}  // namespace

ModbusLink::ModbusLink(const config::RtuLink& link, ReconnectPolicy reconnect)
    : rs485_(link.rs485), rts_(link.rts), response_timeout_(link.response_timeout), reconnect_(reconnect),
      retry_wait_(reconnect.initial) {
  ctx_ = modbus_new_rtu(link.port.c_str(), link.baud, parity_char(link.parity), link.data_bits, link.stop_bits);
  const int bits = 1 + link.data_bits + (link.parity == config::Parity::none ? 0 : 1) + link.stop_bits;
  // Above 19200 baud the serial-line spec fixes t3.5 at 1.75 ms.
  frame_gap_ = link.baud > 19200 ? std::chrono::microseconds(1750)
                                 : std::chrono::microseconds(3'500'000LL * bits / std::max(link.baud, 1));
  describe_ = link.port + " " + std::to_string(link.baud) + " " + std::to_string(link.data_bits) +
              parity_char(link.parity) + std::to_string(link.stop_bits);
  if (!ctx_) throw std::invalid_argument("cannot set up Modbus RTU on " + describe_ + ": " + modbus_strerror(errno));
}

ModbusLink::ModbusLink(const config::TcpLink& link, ReconnectPolicy reconnect)
    : tcp_(true), response_timeout_(link.timeout), reconnect_(reconnect), retry_wait_(reconnect.initial) {
  // The _pi variant resolves host names as well as addresses.
  std::string service = std::to_string(link.port);
  ctx_ = modbus_new_tcp_pi(link.host.c_str(), service.c_str());
  describe_ = link.host + ":" + service;
  if (!ctx_) throw std::invalid_argument("cannot set up Modbus TCP to " + describe_ + ": " + modbus_strerror(errno));
}

ModbusLink::~ModbusLink() {
  if (open_) modbus_close(ctx_);
  modbus_free(ctx_);
}

bool ModbusLink::ensure_open(std::string& why) {
  if (open_) return true;
  auto now = Clock::now();
  if (now < next_attempt_) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now);
    why = describe_ + " is down (" + last_error_ + "); next attempt in " + std::to_string(wait.count()) + " ms";
    return false;
  }
  std::string step;
  bool ok = modbus_connect(ctx_) == 0;
  if (!ok) step = tcp_ ? "cannot connect to " : "cannot open ";
  if (ok) set_timeout(ctx_, response_timeout_);
  if (ok && rs485_ && modbus_rtu_set_serial_mode(ctx_, MODBUS_RTU_RS485) != 0) {
    ok = false;
    step = "cannot switch to RS485 mode on ";  // the adapter's driver lacks TIOCSRS485
  }
  if (ok && rts_ && modbus_rtu_set_rts(ctx_, MODBUS_RTU_RTS_UP) != 0) {
    ok = false;
    step = "cannot drive RTS on ";
  }
  if (!ok) {
    last_error_ = step + describe_ + ": " + modbus_strerror(errno);
    if (step.rfind("cannot switch", 0) == 0 || step.rfind("cannot drive", 0) == 0) modbus_close(ctx_);
    why = last_error_;
    next_attempt_ = now + retry_wait_;
    retry_wait_ = std::min(retry_wait_ * 2, reconnect_.max);
    return false;
  }
  open_ = true;
  retry_wait_ = reconnect_.initial;
  return true;
}

void ModbusLink::close_link(const std::string& why) {
  if (open_) modbus_close(ctx_);
  open_ = false;
  last_error_ = why;
  next_attempt_ = Clock::now() + retry_wait_;
  retry_wait_ = std::min(retry_wait_ * 2, reconnect_.max);
}

modbus::Reply ModbusLink::execute(const modbus::Request& request) {
  auto started = Clock::now();
  modbus::Reply reply;
  std::string why;
  if (!ensure_open(why)) {
    reply.outcome = modbus::Outcome::io_error;
    reply.message = why;
  } else {
    if (frame_gap_.count() > 0) std::this_thread::sleep_until(last_end_ + frame_gap_);
    started = Clock::now();
    reply = transact(request);
    last_end_ = Clock::now();
  }
  reply.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  return reply;
}

modbus::Reply ModbusLink::transact(const modbus::Request& r) {
  using modbus::Function;
  modbus_set_slave(ctx_, r.unit);
  modbus::Reply reply;
  int rc = -1;
  switch (r.function) {
    case Function::read_holding:
    case Function::read_input: {
      if (r.count == 0 || r.count > modbus::max_read_registers) break;
      reply.registers.resize(r.count);
      rc = r.function == Function::read_holding ? modbus_read_registers(ctx_, r.address, r.count, reply.registers.data())
                                                : modbus_read_input_registers(ctx_, r.address, r.count, reply.registers.data());
      break;
    }
    case Function::read_coils:
    case Function::read_discrete_inputs: {
      std::vector<std::uint8_t> bits(r.count);
      rc = r.function == Function::read_coils ? modbus_read_bits(ctx_, r.address, r.count, bits.data())
                                              : modbus_read_input_bits(ctx_, r.address, r.count, bits.data());
      reply.registers.assign(bits.begin(), bits.end());
      break;
    }
    case Function::write_single:
      if (r.values.size() == 1) rc = modbus_write_register(ctx_, r.address, r.values[0]);
      break;
    case Function::write_multiple:
      if (!r.values.empty() && r.values.size() <= modbus::max_write_registers)
        rc = modbus_write_registers(ctx_, r.address, static_cast<int>(r.values.size()), r.values.data());
      break;
    case Function::write_single_coil:
      if (r.values.size() == 1) rc = modbus_write_bit(ctx_, r.address, r.values[0] != 0);
      break;
  }
  if (rc >= 0) {
    reply.outcome = modbus::Outcome::ok;
    return reply;
  }
  if (rc == -1 && errno == 0) errno = EINVAL;
  return failure(r, errno);
}

modbus::Reply ModbusLink::failure(const modbus::Request& r, int err) {
  modbus::Reply reply;
  std::string what = "unit " + std::to_string(r.unit) + " " + (r.tag.empty() ? "request" : r.tag) + " @" +
                     std::to_string(r.address) + " on " + describe_ + ": ";
  if (err == EINVAL) {
    // Never sent: the request itself is malformed (a driver bug, not a device fault).
    reply.outcome = modbus::Outcome::io_error;
    reply.message = what + "invalid request (count " + std::to_string(r.count) + ", " +
                    std::to_string(r.values.size()) + " values)";
    return reply;
  }
  reply.message = what + modbus_strerror(err);
  if (err == ETIMEDOUT) {
    reply.outcome = modbus::Outcome::timeout;
    // A slow device may still answer; read as the reply to the next request, a late answer
    // of the same length would pass every check with the wrong values. Give it one more
    // response timeout to arrive, then drop it (what libmodbus' own recovery mode does).
    std::this_thread::sleep_for(std::chrono::duration<double>(response_timeout_));
    modbus_flush(ctx_);
  } else if (is_exception(err)) {
    reply.outcome = modbus::Outcome::exception;
    reply.exception_code = err - MODBUS_ENOBASE;
  } else if (is_bad_frame(err)) {
    reply.outcome = modbus::Outcome::bad_frame;
    modbus_flush(ctx_);
  } else {
    reply.outcome = modbus::Outcome::io_error;
    close_link(modbus_strerror(err));
  }
  return reply;
}

}  // namespace ampgate::gateway
