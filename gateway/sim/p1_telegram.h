#pragma once
// What a simulated P1 meter says, written from the DSMR 5.0 P1 companion standard's
// telegram layout and HomeWizard's published local API (v1), not from the gateway's parser:
// a DSMR 5.0 telegram (CRC-16 over '/' to '!', values in the standard's fixed formats,
// whole amperes per phase, power split into import and export) and the JSON document of a
// HomeWizard P1 meter's GET /api/v1/data.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/sim/device.h"

namespace ampgate::sim {

// The meter's clock: Central European time with the DSMR season flag, "YYMMDDhhmmssS"
// in summer (UTC+2) and "...W" in winter (UTC+1), EU daylight-saving rules.
std::string dsmr_timestamp(std::chrono::system_clock::time_point t);

// CRC-16 as DSMR 4+ specifies it: polynomial x16+x15+x2+1, LSB first, start value 0.
std::uint16_t dsmr_crc(std::string_view bytes);

// One complete telegram, CR LF line ends, ending "!XXXX\r\n". `damaged`: the CRC is wrong
// (a disturbed line), so a reader must reject it.
std::string dsmr5_telegram(const std::string& meter_id, const MeterState& s, std::chrono::system_clock::time_point t,
                           bool damaged = false);

// HomeWizard's /api/v1/data for the same state.
nlohmann::json homewizard_data(const std::string& meter_id, const MeterState& s);

}  // namespace ampgate::sim
