#pragma once
// The CRC of DSMR 4.x / 5.x / e-MUCS telegrams: CRC-16/ARC (polynomial 0x8005 reflected,
// initial value 0, no final XOR), over every byte from the leading '/' to the '!'.
#include <cstdint>
#include <string_view>

namespace ampgate::drivers::p1 {

std::uint16_t crc16(std::string_view bytes);

}  // namespace ampgate::drivers::p1
