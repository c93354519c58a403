// Modbus TCP (MBAP) frames on the simulator's TCP buses: header checked (protocol 0,
// length 2-254) or the connection closed, the unit selecting the device, a unit with no
// device answered with exception 11. The first input byte picks the bus (KEBA or Vestel).
#include <string>

#include "gateway/sim/tcp_server.h"
#include "tests/fuzz/sim_site.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  if (size < 1) return 0;
  fuzz::SimSite site;
  const std::string bus = data[0] & 1 ? "vestel-lan" : "keba-lan";
  std::string buf(reinterpret_cast<const char*>(data + 1), size - 1);
  double now = 0.0;
  while (buf.size() >= 7) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(buf.data());
    const std::size_t length = (std::size_t{b[4]} << 8) | b[5];
    if (b[2] != 0 || b[3] != 0 || length < 2 || length > 254) break;  // not Modbus: hang up
    if (buf.size() < 6 + length) break;
    const std::uint8_t unit = b[6];
    const sim::Pdu request(buf.begin() + 7, buf.begin() + 6 + static_cast<long>(length));
    buf.erase(0, 6 + length);
    if (site.has_unit(bus, unit)) site.answer(bus, unit, request, now);
    now += 0.5;
  }
  return 0;
}
