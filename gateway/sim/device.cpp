#include "gateway/sim/device.h"

#include <exception>

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

Pdu SimDevice::serve(const Pdu& request, double now, bool apply_writes) {
  if (request.empty()) return exception_pdu(0, ex_illegal_function);
  const std::uint8_t fc = request[0];
  if (fc & 0x80) return exception_pdu(fc & 0x7F, ex_illegal_function);  // not a request
  if (!supports(fc)) return exception_pdu(fc, ex_illegal_function);
  // The models are plain code over register maps; whatever a strange request makes one of
  // them do (an address past a value's end, a map lookup that misses), the answer is a
  // device failure for this one request, never an exception out of the bus thread.
  try {
    switch (fc) {
      case 3:
      case 4: {
        if (request.size() != 5) return exception_pdu(fc, ex_illegal_value);
        const std::uint16_t address = be16(request, 1);
        const std::uint16_t count = be16(request, 3);
        if (count < 1 || count > 125) return exception_pdu(fc, ex_illegal_value);
        if (address + count > 0x10000) return exception_pdu(fc, ex_illegal_address);
        std::vector<std::uint16_t> values;
        if (auto code = read(fc, address, count, values); code != 0) return exception_pdu(fc, code);
        if (values.size() != count) return exception_pdu(fc, ex_device_failure);
        Pdu answer{fc, static_cast<std::uint8_t>(2 * count)};
        for (auto v : values) put16(answer, v);
        ++requests_;
        on_valid_request(false, now);
        return answer;
      }
      case 6: {
        if (request.size() != 5) return exception_pdu(fc, ex_illegal_value);
        if (apply_writes)
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
        if (address + count > 0x10000) return exception_pdu(fc, ex_illegal_address);
        std::vector<std::uint16_t> values;
        for (std::size_t i = 0; i < count; ++i) values.push_back(be16(request, 6 + 2 * i));
        if (apply_writes)
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
  } catch (const std::exception&) {
    return exception_pdu(fc, ex_device_failure);
  }
}

void SimCharger::observe(const ChargerState& state) {
  const bool new_plug = state.plugged && state.plug_ins != seen_plug_ins_;
  const bool unplugged = !state.plugged && state_.plugged;
  seen_plug_ins_ = state.plug_ins;
  state_ = state;
  if (unplugged || (new_plug && sessions_.open)) {
    sessions_.open = false;
    on_unplugged();
  }
  if (new_plug) {
    ++sessions_.started;
    sessions_.open = true;
    on_session_start();
  }
  on_observed();
}

std::string setting(const ModelSettings& s, const std::string& key, std::initializer_list<const char*> allowed,
                    std::string& error) {
  const std::string fallback = *allowed.begin();
  auto it = s.find(key);
  if (it == s.end()) return fallback;
  for (const char* a : allowed)
    if (it->second == a) return it->second;
  std::string list;
  for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
  if (error.empty()) error = "setting " + key + ": '" + it->second + "' is not one of: " + list;
  return fallback;
}

void check_setting_keys(const ModelSettings& s, const std::string& model, std::initializer_list<const char*> known,
                        std::string& error) {
  for (const auto& [key, value] : s) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok && error.empty()) {
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      error = "setting " + key + ": " + model + " has no such setting" +
              (list.empty() ? std::string(" (it has none)") : " (it has: " + list + ")");
    }
  }
}

}  // namespace ampgate::sim
