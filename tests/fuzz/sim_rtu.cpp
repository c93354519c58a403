// Modbus RTU frames on the simulator's RS485 bus: a byte stream cut into frames by their
// expected length (function 3, 4, 6: 8 bytes; 16: 9 + byte count), a frame with a bad CRC
// dropped, a unit that is not on the bus ignored, the rest dispatched to its device. The
// first input byte, when odd, has the target mend each frame's CRC so that the fuzzer
// reaches the devices rather than the CRC check.
#include <string>

#include "tests/fuzz/sim_site.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ampgate;
  if (size < 1) return 0;
  fuzz::SimSite site;
  const bool mend_crc = data[0] & 1;
  std::string buf(reinterpret_cast<const char*>(data + 1), size - 1);
  double now = 0.0;
  while (buf.size() >= 4) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(buf.data());
    std::size_t len = 0;
    if (b[1] == 3 || b[1] == 4 || b[1] == 6) len = 8;
    else if (b[1] == 16 && buf.size() >= 7) len = 9 + b[6];
    else break;  // unknown function or too short: the line goes quiet and it is dropped
    if (buf.size() < len) break;
    std::string frame = buf.substr(0, len);
    buf.erase(0, len);
    auto* f = reinterpret_cast<std::uint8_t*>(frame.data());
    const std::uint16_t crc = sim::modbus_crc(f, len - 2);
    if (mend_crc) {
      f[len - 2] = static_cast<std::uint8_t>(crc & 0xFF);
      f[len - 1] = static_cast<std::uint8_t>(crc >> 8);
    } else if (f[len - 2] != (crc & 0xFF) || f[len - 1] != (crc >> 8)) {
      break;  // a damaged frame: silence, then resynchronise
    }
    const std::uint8_t unit = f[0];
    if (unit != 0 && !site.has_unit("rs485", unit)) continue;
    site.answer("rs485", unit, sim::Pdu(f + 1, f + len - 2), now);
    now += 0.5;
  }
  return 0;
}
