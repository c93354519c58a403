#include "gateway/sim/device.h"

namespace ampgate::sim {

namespace {

std::uint16_t be16(const Pdu& p, std::size_t at) {
  return static_cast<std::uint16_t>((p[at] << 8) | p[at + 1]);
}
void put16(Pdu& p, std::uint16_t v) {
  p.push_back(static_cast<std::uint8_t>(v >> 8));
  p.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

}  // namespace

Pdu exception_pdu(std::uint8_t function, std::uint8_t code) {
  return {static_cast<std::uint8_t>(function | 0x80), code};
}

Pdu SimDevice::serve(const Pdu& request, double now) {
  if (request.empty()) return exception_pdu(0, ex_illegal_function);
  const std::uint8_t fc = request[0];
  if (!supports(fc)) return exception_pdu(fc, ex_illegal_function);
  switch (fc) {
    case 3:
    case 4: {
      if (request.size() != 5) return exception_pdu(fc, ex_illegal_value);
      const std::uint16_t address = be16(request, 1);
      const std::uint16_t count = be16(request, 3);
      if (count < 1 || count > 125) return exception_pdu(fc, ex_illegal_value);
      std::vector<std::uint16_t> values;
      if (auto code = read(fc, address, count, values); code != 0) return exception_pdu(fc, code);
      Pdu answer{fc, static_cast<std::uint8_t>(2 * count)};
      for (auto v : values) put16(answer, v);
      ++requests_;
      on_valid_request(false, now);
      return answer;
    }
    case 6: {
      if (request.size() != 5) return exception_pdu(fc, ex_illegal_value);
      if (auto code = write(be16(request, 1), {be16(request, 3)}, now); code != 0) return exception_pdu(fc, code);
      ++requests_;
      on_valid_request(true, now);
      return request;  // the echo
    }
    case 16: {
      if (request.size() < 6) return exception_pdu(fc, ex_illegal_value);
      const std::uint16_t address = be16(request, 1);
      const std::uint16_t count = be16(request, 3);
      const std::size_t bytes = request[5];
      if (count < 1 || count > 123 || bytes != 2u * count || request.size() != 6 + bytes)
        return exception_pdu(fc, ex_illegal_value);
      std::vector<std::uint16_t> values;
      for (std::size_t i = 0; i < count; ++i) values.push_back(be16(request, 6 + 2 * i));
      if (auto code = write(address, values, now); code != 0) return exception_pdu(fc, code);
      ++requests_;
      on_valid_request(true, now);
      Pdu answer{fc};
      put16(answer, address);
      put16(answer, count);
      return answer;
    }
    default:
      return exception_pdu(fc, ex_illegal_function);
  }
}

}  // namespace ampgate::sim
