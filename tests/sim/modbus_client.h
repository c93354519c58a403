#pragma once
// libmodbus as an independent client of the simulator: RTU over the pty it creates, TCP
// on loopback. Each helper returns errno (0 = ok), so a test can tell an exception
// (EMBXILVAL, EMBXILADD, ...) from silence (ETIMEDOUT).
#include <gtest/gtest.h>
#include <modbus.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ampgate::sim::test {

struct ModbusDeleter {
  void operator()(modbus_t* m) const {
    modbus_close(m);
    modbus_free(m);
  }
};
using Ctx = std::unique_ptr<modbus_t, ModbusDeleter>;

inline Ctx rtu_client(const std::string& path, int baud = 9600, char parity = 'N') {
  Ctx ctx(modbus_new_rtu(path.c_str(), baud, parity, 8, 1));
  EXPECT_TRUE(ctx);
  EXPECT_EQ(modbus_connect(ctx.get()), 0) << modbus_strerror(errno);
  modbus_set_response_timeout(ctx.get(), 0, 300000);
  return ctx;
}

inline Ctx tcp_client(int port) {
  Ctx ctx(modbus_new_tcp("127.0.0.1", port));
  EXPECT_TRUE(ctx);
  EXPECT_EQ(modbus_connect(ctx.get()), 0) << modbus_strerror(errno);
  modbus_set_response_timeout(ctx.get(), 0, 300000);
  return ctx;
}

// Reads `count` holding registers into `out`.
inline int read_holding(modbus_t* ctx, int unit, int address, int count, std::vector<std::uint16_t>& out) {
  out.assign(static_cast<std::size_t>(count), 0);
  modbus_set_slave(ctx, unit);
  return modbus_read_registers(ctx, address, count, out.data()) == count ? 0 : errno;
}

inline int read_input(modbus_t* ctx, int unit, int address, int count, std::vector<std::uint16_t>& out) {
  out.assign(static_cast<std::size_t>(count), 0);
  modbus_set_slave(ctx, unit);
  return modbus_read_input_registers(ctx, address, count, out.data()) == count ? 0 : errno;
}

inline int write_holding(modbus_t* ctx, int unit, int address, int value) {
  modbus_set_slave(ctx, unit);
  return modbus_write_register(ctx, address, static_cast<std::uint16_t>(value)) == 1 ? 0 : errno;
}

inline int write_block(modbus_t* ctx, int unit, int address, const std::vector<std::uint16_t>& values) {
  modbus_set_slave(ctx, unit);
  const int n = static_cast<int>(values.size());
  return modbus_write_registers(ctx, address, n, values.data()) == n ? 0 : errno;
}

// One holding register's value, or -errno.
inline int holding(modbus_t* ctx, int unit, int address) {
  std::vector<std::uint16_t> r;
  const int e = read_holding(ctx, unit, address, 1, r);
  return e == 0 ? r[0] : -e;
}

// A u32 read as exactly two registers, high word first (KEBA), or -errno.
inline long long holding_u32(modbus_t* ctx, int unit, int address) {
  std::vector<std::uint16_t> r;
  const int e = read_holding(ctx, unit, address, 2, r);
  return e == 0 ? (static_cast<long long>(r[0]) << 16) | r[1] : -e;
}

}  // namespace ampgate::sim::test
