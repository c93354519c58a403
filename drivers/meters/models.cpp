// Register tables of the built-in meter models. Facts come from the vendor protocol
// documents and working open-source drivers (docs/meters.md names them); scales turn the
// device's unit into SI: kWh -> Wh is 1000, kW -> W is 1000, "0.1 V" is 0.1.
#include <array>
#include <cctype>
#include <cstring>

#include "drivers/meters/meter_model.h"
#include "drivers/registers.h"

namespace ampgate::drivers {

namespace {

using modbus::Function;
using modbus::RegisterSpec;
using modbus::ValueType;
using modbus::WordOrder;
using Q = Quantity;

constexpr auto FC3 = Function::read_holding;
constexpr auto FC4 = Function::read_input;
constexpr auto HI = WordOrder::high_first;
constexpr auto LO = WordOrder::low_first;

constexpr RegisterSpec reg(Function f, std::uint16_t address, ValueType t, WordOrder o, double scale) {
  RegisterSpec s;
  s.function = f;
  s.address = address;
  s.type = t;
  s.order = o;
  s.scale = scale;
  return s;
}
constexpr RegisterSpec f32(Function f, std::uint16_t a, double scale = 1.0, WordOrder o = HI) {
  return reg(f, a, ValueType::f32, o, scale);
}

// ---- signature predicates -------------------------------------------------------------

// A phase voltage a live meter can show (wide: 110 V grids, sagging rural lines).
bool plausible_voltage(std::optional<double> v) { return v && *v >= 90.0 && *v <= 300.0; }

template <Function F, std::uint16_t A, ValueType T, WordOrder O, int ScaleDiv>
bool voltage_sig(std::span<const std::uint16_t> r) {
  return plausible_voltage(decode(reg(F, A, T, O, 1.0 / ScaleDiv), r));
}

// ABB EQ meters name themselves at 0x8960: "B21 ", "B23 ", "B24 " (four ASCII bytes).
bool abb_sig(std::span<const std::uint16_t> r) {
  return r.size() == 2 && (r[0] >> 8) == 'B' && std::isdigit(r[0] & 0xFF) && std::isdigit(r[1] >> 8);
}

// Sinotimer: three consecutive 16-bit voltages (0.1 V). A Carlo Gavazzi or Phoenix meter
// answering at the same address has a 32-bit voltage, whose second word is 0.
bool sinotimer_sig(std::span<const std::uint16_t> r) {
  if (r.size() != 3) return false;
  for (auto w : r) {
    if (!plausible_voltage(w / 10.0)) return false;
  }
  return true;
}

// Smart-stuff dongle: four ASCII bytes "P1M…" at register 110 (e.g. "P1M3").
bool p1_dongle_sig(std::span<const std::uint16_t> r) {
  return r.size() == 2 && r[0] == (('P' << 8) | '1') && (r[1] >> 8) == 'M';
}

// Shelly: the model name in ASCII at register 6 contains "EM" (e.g. "SPEM-003CEBEU").
bool shelly_sig(std::span<const std::uint16_t> r) {
  char text[21] = {};
  for (std::size_t i = 0; i < r.size() && i < 10; ++i) {
    text[2 * i] = static_cast<char>(r[i] >> 8);
    text[2 * i + 1] = static_cast<char>(r[i] & 0xFF);
  }
  return std::strstr(text, "EM") != nullptr;
}

modbus::Request sig_request(Function f, std::uint16_t address, std::uint16_t count) {
  modbus::Request q;
  q.function = f;
  q.address = address;
  q.count = count;
  q.priority = modbus::Priority::telemetry;
  q.tag = "signature";
  return q;
}

// ---- tables -------------------------------------------------------------------------

// Eastron SDM630 / SDM72D-M V2: FC4, f32 high word first, energies in kWh.
constexpr TableEntry sdm630[] = {
    {Q::voltage_l1, f32(FC4, 0x0000)},       {Q::voltage_l2, f32(FC4, 0x0002)},
    {Q::voltage_l3, f32(FC4, 0x0004)},       {Q::current_l1, f32(FC4, 0x0006)},
    {Q::current_l2, f32(FC4, 0x0008)},       {Q::current_l3, f32(FC4, 0x000A)},
    {Q::power_l1, f32(FC4, 0x000C)},         {Q::power_l2, f32(FC4, 0x000E)},
    {Q::power_l3, f32(FC4, 0x0010)},         {Q::power_total, f32(FC4, 0x0034)},
    {Q::import_energy, f32(FC4, 0x0048, 1000)}, {Q::export_energy, f32(FC4, 0x004A, 1000)},
};

// Eastron SDM230: single phase; its one power register is also the total.
constexpr TableEntry sdm230[] = {
    {Q::voltage_l1, f32(FC4, 0x0000)},          {Q::current_l1, f32(FC4, 0x0006)},
    {Q::power_l1, f32(FC4, 0x000C)},            {Q::power_total, f32(FC4, 0x000C)},
    {Q::import_energy, f32(FC4, 0x0048, 1000)}, {Q::export_energy, f32(FC4, 0x004A, 1000)},
};

// ABB B21/B23/B24 (EQ layout): FC3 integers, high word first.
constexpr TableEntry abb_b23[] = {
    {Q::voltage_l1, reg(FC3, 0x5B00, ValueType::u32, HI, 0.1)},
    {Q::voltage_l2, reg(FC3, 0x5B02, ValueType::u32, HI, 0.1)},
    {Q::voltage_l3, reg(FC3, 0x5B04, ValueType::u32, HI, 0.1)},
    {Q::current_l1, reg(FC3, 0x5B0C, ValueType::u32, HI, 0.01)},
    {Q::current_l2, reg(FC3, 0x5B0E, ValueType::u32, HI, 0.01)},
    {Q::current_l3, reg(FC3, 0x5B10, ValueType::u32, HI, 0.01)},
    {Q::power_total, reg(FC3, 0x5B14, ValueType::s32, HI, 0.01)},
    {Q::power_l1, reg(FC3, 0x5B16, ValueType::s32, HI, 0.01)},
    {Q::power_l2, reg(FC3, 0x5B18, ValueType::s32, HI, 0.01)},
    {Q::power_l3, reg(FC3, 0x5B1A, ValueType::s32, HI, 0.01)},
    {Q::import_energy, reg(FC3, 0x5000, ValueType::u64, HI, 10.0)},  // 0.01 kWh
    {Q::export_energy, reg(FC3, 0x5004, ValueType::u64, HI, 10.0)},
};

// Finder 7E: only the L1 voltage, the currents and the total power are confirmed.
constexpr TableEntry finder_7e78[] = {
    {Q::voltage_l1, f32(FC4, 0x1000)},  {Q::current_l1, f32(FC4, 0x100E)}, {Q::current_l2, f32(FC4, 0x1010)},
    {Q::current_l3, f32(FC4, 0x1012)},  {Q::power_total, f32(FC4, 0x1026)},
    {Q::import_energy, f32(FC4, 0x1106)}, {Q::export_energy, f32(FC4, 0x110E)},  // Wh
};

// Finder 7M.38: FC4 floats, energies in Wh.
constexpr TableEntry finder_7m38[] = {
    {Q::voltage_l1, f32(FC4, 2500)},     {Q::voltage_l2, f32(FC4, 2502)},     {Q::voltage_l3, f32(FC4, 2504)},
    {Q::current_l1, f32(FC4, 2516)},     {Q::current_l2, f32(FC4, 2518)},     {Q::current_l3, f32(FC4, 2520)},
    {Q::power_l1, f32(FC4, 2530)},       {Q::power_l2, f32(FC4, 2532)},       {Q::power_l3, f32(FC4, 2534)},
    {Q::power_total, f32(FC4, 2536)},    {Q::import_energy, f32(FC4, 2752)},  {Q::export_energy, f32(FC4, 2756)},
};

// Phoenix Contact EEM-350-D-MCB: FC4, s32 low word first.
constexpr TableEntry phoenix_eem350[] = {
    {Q::voltage_l1, reg(FC4, 0x0000, ValueType::s32, LO, 0.1)},
    {Q::voltage_l2, reg(FC4, 0x0002, ValueType::s32, LO, 0.1)},
    {Q::voltage_l3, reg(FC4, 0x0004, ValueType::s32, LO, 0.1)},
    {Q::current_l1, reg(FC4, 0x000C, ValueType::s32, LO, 0.001)},
    {Q::current_l2, reg(FC4, 0x000E, ValueType::s32, LO, 0.001)},
    {Q::current_l3, reg(FC4, 0x0010, ValueType::s32, LO, 0.001)},
    {Q::power_total, reg(FC4, 0x0028, ValueType::s32, LO, 0.1)},
    {Q::import_energy, reg(FC4, 0x003E, ValueType::s32, LO, 100.0)},  // 0.1 kWh
};

// WAGO 879-30x0, Inepro PRO380 and the KLEFR rebrands: FC3 floats, powers in kW, energies in kWh.
constexpr TableEntry wago_879[] = {
    {Q::voltage_l1, f32(FC3, 0x5002)},       {Q::voltage_l2, f32(FC3, 0x5004)},
    {Q::voltage_l3, f32(FC3, 0x5006)},       {Q::current_l1, f32(FC3, 0x500C)},
    {Q::current_l2, f32(FC3, 0x500E)},       {Q::current_l3, f32(FC3, 0x5010)},
    {Q::power_total, f32(FC3, 0x5012, 1000)}, {Q::power_l1, f32(FC3, 0x5014, 1000)},
    {Q::power_l2, f32(FC3, 0x5016, 1000)},   {Q::power_l3, f32(FC3, 0x5018, 1000)},
    {Q::import_energy, f32(FC3, 0x600C, 1000)}, {Q::export_energy, f32(FC3, 0x6018, 1000)},
};

// Schneider iEM3x5x: FC3, floats (powers in kW), energies s64 in Wh.
constexpr TableEntry schneider_iem3x5x[] = {
    {Q::current_l1, f32(FC3, 0x0BB7)},        {Q::current_l2, f32(FC3, 0x0BB9)},
    {Q::current_l3, f32(FC3, 0x0BBB)},        {Q::voltage_l1, f32(FC3, 0x0BD3)},
    {Q::voltage_l2, f32(FC3, 0x0BD5)},        {Q::voltage_l3, f32(FC3, 0x0BD7)},
    {Q::power_l1, f32(FC3, 0x0BED, 1000)},    {Q::power_l2, f32(FC3, 0x0BEF, 1000)},
    {Q::power_l3, f32(FC3, 0x0BF1, 1000)},    {Q::power_total, f32(FC3, 0x0BF3, 1000)},
    {Q::import_energy, reg(FC3, 0x0C83, ValueType::s64, HI, 1.0)},
    {Q::export_energy, reg(FC3, 0x0C87, ValueType::s64, HI, 1.0)},
};

// Chint DTSU666: FC3 floats that still carry the manual's scale (0.1 V, mA, 0.1 W).
constexpr TableEntry chint_dtsu666[] = {
    {Q::voltage_l1, f32(FC3, 0x2006, 0.1)},   {Q::voltage_l2, f32(FC3, 0x2008, 0.1)},
    {Q::voltage_l3, f32(FC3, 0x200A, 0.1)},   {Q::current_l1, f32(FC3, 0x200C, 0.001)},
    {Q::current_l2, f32(FC3, 0x200E, 0.001)}, {Q::current_l3, f32(FC3, 0x2010, 0.001)},
    {Q::power_total, f32(FC3, 0x2012, 0.1)},  {Q::power_l1, f32(FC3, 0x2014, 0.1)},
    {Q::power_l2, f32(FC3, 0x2016, 0.1)},     {Q::power_l3, f32(FC3, 0x2018, 0.1)},
    {Q::import_energy, f32(FC3, 0x101E, 1000)}, {Q::export_energy, f32(FC3, 0x1028, 1000)},
};

// Carlo Gavazzi EM330/EM340 (and EM24 Ethernet): FC4, s32 low word first.
constexpr TableEntry cg_em340[] = {
    {Q::voltage_l1, reg(FC4, 0x0000, ValueType::s32, LO, 0.1)},
    {Q::voltage_l2, reg(FC4, 0x0002, ValueType::s32, LO, 0.1)},
    {Q::voltage_l3, reg(FC4, 0x0004, ValueType::s32, LO, 0.1)},
    {Q::current_l1, reg(FC4, 0x000C, ValueType::s32, LO, 0.001)},
    {Q::current_l2, reg(FC4, 0x000E, ValueType::s32, LO, 0.001)},
    {Q::current_l3, reg(FC4, 0x0010, ValueType::s32, LO, 0.001)},
    {Q::power_l1, reg(FC4, 0x0012, ValueType::s32, LO, 0.1)},
    {Q::power_l2, reg(FC4, 0x0014, ValueType::s32, LO, 0.1)},
    {Q::power_l3, reg(FC4, 0x0016, ValueType::s32, LO, 0.1)},
    {Q::power_total, reg(FC4, 0x0028, ValueType::s32, LO, 0.1)},
    {Q::import_energy, reg(FC4, 0x0034, ValueType::s32, LO, 100.0)},  // 0.1 kWh
    {Q::export_energy, reg(FC4, 0x004E, ValueType::s32, LO, 100.0)},
};

// Carlo Gavazzi EM24-DIN (RS485): same measurement block as the EM340, other energy addresses.
constexpr TableEntry cg_em24[] = {
    {Q::voltage_l1, reg(FC4, 0x0000, ValueType::s32, LO, 0.1)},
    {Q::voltage_l2, reg(FC4, 0x0002, ValueType::s32, LO, 0.1)},
    {Q::voltage_l3, reg(FC4, 0x0004, ValueType::s32, LO, 0.1)},
    {Q::current_l1, reg(FC4, 0x000C, ValueType::s32, LO, 0.001)},
    {Q::current_l2, reg(FC4, 0x000E, ValueType::s32, LO, 0.001)},
    {Q::current_l3, reg(FC4, 0x0010, ValueType::s32, LO, 0.001)},
    {Q::power_l1, reg(FC4, 0x0012, ValueType::s32, LO, 0.1)},
    {Q::power_l2, reg(FC4, 0x0014, ValueType::s32, LO, 0.1)},
    {Q::power_l3, reg(FC4, 0x0016, ValueType::s32, LO, 0.1)},
    {Q::power_total, reg(FC4, 0x0028, ValueType::s32, LO, 0.1)},
    {Q::import_energy, reg(FC4, 0x0042, ValueType::s32, LO, 100.0)},
    {Q::export_energy, reg(FC4, 0x005C, ValueType::s32, LO, 100.0)},
};

// Sinotimer DTS6619: FC4 16-bit values; no total power register (derived from the phases).
constexpr TableEntry sinotimer_dts6619[] = {
    {Q::voltage_l1, reg(FC4, 0x0000, ValueType::s16, HI, 0.1)},
    {Q::voltage_l2, reg(FC4, 0x0001, ValueType::s16, HI, 0.1)},
    {Q::voltage_l3, reg(FC4, 0x0002, ValueType::s16, HI, 0.1)},
    {Q::current_l1, reg(FC4, 0x0003, ValueType::s16, HI, 0.01)},
    {Q::current_l2, reg(FC4, 0x0004, ValueType::s16, HI, 0.01)},
    {Q::current_l3, reg(FC4, 0x0005, ValueType::s16, HI, 0.01)},
    {Q::power_l1, reg(FC4, 0x0008, ValueType::s16, HI, 1.0)},
    {Q::power_l2, reg(FC4, 0x0009, ValueType::s16, HI, 1.0)},
    {Q::power_l3, reg(FC4, 0x000A, ValueType::s16, HI, 1.0)},
    {Q::import_energy, reg(FC4, 0x0027, ValueType::s32, HI, 10.0)},  // 0.01 kWh
    {Q::export_energy, reg(FC4, 0x0031, ValueType::s32, HI, 10.0)},
};

// Siemens PAC2200: FC3 floats at odd offsets; energies (tariff 1) are f64 in Wh.
constexpr TableEntry siemens_pac2200[] = {
    {Q::voltage_l1, f32(FC3, 1)},  {Q::voltage_l2, f32(FC3, 3)},  {Q::voltage_l3, f32(FC3, 5)},
    {Q::current_l1, f32(FC3, 13)}, {Q::current_l2, f32(FC3, 15)}, {Q::current_l3, f32(FC3, 17)},
    {Q::power_l1, f32(FC3, 25)},   {Q::power_l2, f32(FC3, 27)},   {Q::power_l3, f32(FC3, 29)},
    {Q::power_total, f32(FC3, 65)},
    {Q::import_energy, reg(FC3, 801, ValueType::f64, HI, 1.0)}, {Q::export_energy, reg(FC3, 809, ValueType::f64, HI, 1.0)},
};

// Shelly Pro 3EM ("triphase" profile): FC4 floats, low word first, Wh.
constexpr TableEntry shelly_pro3em[] = {
    {Q::power_total, f32(FC4, 1013, 1, LO)},
    {Q::voltage_l1, f32(FC4, 1020, 1, LO)}, {Q::current_l1, f32(FC4, 1022, 1, LO)}, {Q::power_l1, f32(FC4, 1024, 1, LO)},
    {Q::voltage_l2, f32(FC4, 1040, 1, LO)}, {Q::current_l2, f32(FC4, 1042, 1, LO)}, {Q::power_l2, f32(FC4, 1044, 1, LO)},
    {Q::voltage_l3, f32(FC4, 1060, 1, LO)}, {Q::current_l3, f32(FC4, 1062, 1, LO)}, {Q::power_l3, f32(FC4, 1064, 1, LO)},
    {Q::import_energy, f32(FC4, 1162, 1, LO)}, {Q::export_energy, f32(FC4, 1164, 1, LO)},
};

// Smart-stuff P1 Modbus dongle: FC3 u32 high word first; mV, mA, W, Wh; directions split.
constexpr RegisterSpec u32(std::uint16_t a, double scale = 1.0) { return reg(FC3, a, ValueType::u32, HI, scale); }
constexpr TableEntry p1_dongle[] = {
    {Q::import_energy_t1, u32(2)},    {Q::import_energy_t2, u32(4)},
    {Q::export_energy_t1, u32(6)},    {Q::export_energy_t2, u32(8)},
    {Q::power_import_total, u32(14)}, {Q::power_export_total, u32(16)},
    {Q::voltage_l1, u32(18, 0.001)},  {Q::voltage_l2, u32(20, 0.001)},  {Q::voltage_l3, u32(22, 0.001)},
    {Q::current_l1, u32(24, 0.001)},  {Q::current_l2, u32(26, 0.001)},  {Q::current_l3, u32(28, 0.001)},
    {Q::power_import_l1, u32(38)},    {Q::power_import_l2, u32(40)},    {Q::power_import_l3, u32(42)},
    {Q::power_export_l1, u32(44)},    {Q::power_export_l2, u32(46)},    {Q::power_export_l3, u32(48)},
};

constexpr SerialDefaults s9600_8n1{9600, 'N', 8, 1};
constexpr SerialDefaults s9600_8e1{9600, 'E', 8, 1};

const auto eastron_sig = Signature{sig_request(FC4, 0x0000, 2), voltage_sig<FC4, 0x0000, ValueType::f32, HI, 1>,
                                   "FC4 0x0000: L1 voltage as a float"};
const auto wago_sig = Signature{sig_request(FC3, 0x5002, 2), voltage_sig<FC3, 0x5002, ValueType::f32, HI, 1>,
                                "FC3 0x5002: L1 voltage as a float"};
const auto gavazzi_sig = Signature{sig_request(FC4, 0x0000, 2), voltage_sig<FC4, 0x0000, ValueType::s32, LO, 10>,
                                   "FC4 0x0000: L1 voltage, s32 low word first, 0.1 V"};

const std::array<MeterModel, 18> models{{
    {"sdm630", "Eastron SDM630 (three phase)", sdm630, 1, s9600_8n1, false, false, 80, 16, eastron_sig, ""},
    {"sdm230", "Eastron SDM230 (single phase)", sdm230, 1, s9600_8n1, false, false, 60, 16, eastron_sig, ""},
    {"sdm72d", "Eastron SDM72D-M V2", sdm630, 1, s9600_8n1, false, false, 80, 16, eastron_sig,
     "SDM72D-M V1 has only totals (power 0x0034, energies); this table is for V2"},
    {"abb_b23", "ABB B21/B23/B24 (EQ meters)", abb_b23, 1, std::nullopt, false, true, 125, 16,
     Signature{sig_request(FC3, 0x8960, 2), abb_sig, "FC3 0x8960: model name \"B2x \""},
     "factory serial settings not stated in the manual"},
    {"finder_7e78", "Finder 7E.78", finder_7e78, 1, SerialDefaults{19200, 'N', 8, 1}, false, false, 125, 16,
     Signature{sig_request(FC4, 0x1000, 2), voltage_sig<FC4, 0x1000, ValueType::f32, HI, 1>,
               "FC4 0x1000: L1 voltage as a float"},
     "per-phase powers and L2/L3 voltages not extracted from the Finder protocol"},
    {"finder_7m38", "Finder 7M.38", finder_7m38, 33, SerialDefaults{19200, 'N', 8, 2}, false, false, 125, 16,
     Signature{sig_request(FC4, 2500, 2), voltage_sig<FC4, 2500, ValueType::f32, HI, 1>,
               "FC4 2500: L1 voltage as a float"},
     "energy registers (2752/2756 vs 2638) and serial defaults (taken from the 7M.24)"},
    {"phoenix_eem350", "Phoenix Contact EEM-350-D-MCB", phoenix_eem350, 1, std::nullopt, false, false, 11, 16,
     gavazzi_sig, "single source; serial defaults, phase powers and export energy not found"},
    {"wago_879", "WAGO 879-30x0", wago_879, 1, std::nullopt, false, false, 125, 16, wago_sig,
     "serial defaults not confirmed"},
    {"inepro_pro380", "Inepro PRO380-Mod", wago_879, 1, s9600_8e1, false, false, 125, 16, wago_sig, ""},
    {"schneider_iem3x5x", "Schneider Acti9 iEM3x5x", schneider_iem3x5x, 1, std::nullopt, false, false, 125, 32,
     Signature{sig_request(FC3, 0x0BD3, 2), voltage_sig<FC3, 0x0BD3, ValueType::f32, HI, 1>,
               "FC3 0x0BD3: L1 voltage as a float"},
     "factory baud and parity not confirmed; iEM3x50 variants count import only"},
    {"chint_dtsu666", "Chint DTSU666", chint_dtsu666, 1, s9600_8n1, false, false, 125, 16,
     Signature{sig_request(FC3, 0x2006, 2), voltage_sig<FC3, 0x2006, ValueType::f32, HI, 10>,
               "FC3 0x2006: L1 voltage as a float in 0.1 V"},
     "one third-party list gives plain V/A/W instead of the 0.1 V / mA / 0.1 W scales used here"},
    {"cg_em340", "Carlo Gavazzi EM330/EM340", cg_em340, 1, std::nullopt, false, false, 125, 16, gavazzi_sig,
     "serial defaults not confirmed"},
    {"cg_em24", "Carlo Gavazzi EM24-DIN", cg_em24, 1, s9600_8n1, false, false, 11, 16, gavazzi_sig,
     "export energy 0x005C (a major driver stopped using it)"},
    {"sinotimer_dts6619", "Sinotimer DTS6619", sinotimer_dts6619, 1, std::nullopt, false, false, 125, 16,
     Signature{sig_request(FC4, 0x0000, 3), sinotimer_sig, "FC4 0x0000: three 16-bit voltages in 0.1 V"},
     "single source for the whole map; serial defaults not found"},
    {"siemens_pac2200", "Siemens SENTRON PAC2200", siemens_pac2200, 126, SerialDefaults{19200, 'N', 8, 2}, false,
     false, 125, 16,
     Signature{sig_request(FC3, 1, 2), voltage_sig<FC3, 1, ValueType::f32, HI, 1>, "FC3 1: L1 voltage as a float"},
     "energies read from tariff 1 (801/809)"},
    {"klefr_693x", "KLEFR 6934/6924 (Inepro PRO380 layout)", wago_879, 1, s9600_8e1, false, false, 125, 16,
     wago_sig, "no KLEFR-branded register table; the single-phase 6934 has only L1"},
    {"shelly_pro3em", "Shelly Pro 3EM (Modbus TCP)", shelly_pro3em, 1, std::nullopt, true, false, 125, 16,
     Signature{sig_request(FC4, 6, 10), shelly_sig, "FC4 6: model name containing \"EM\""},
     "model name format of the signature read"},
    {"p1_dongle", "Smart-stuff P1 Modbus dongle", p1_dongle, 43, SerialDefaults{38400, 'E', 8, 1}, false, true, 125,
     0, Signature{sig_request(FC3, 110, 2), p1_dongle_sig, "FC3 110: dongle name \"P1M…\""},
     "per-phase powers need firmware 1.2.1; name register format seen in one example"},
}};

}  // namespace

const MeterModel* find_meter_model(std::string_view name) {
  for (const auto& m : models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::span<const MeterModel> meter_models() { return models; }

std::vector<std::string_view> meter_model_names() {
  std::vector<std::string_view> names;
  for (const auto& m : models) names.push_back(m.name);
  names.push_back(custom_meter_model);
  return names;
}

}  // namespace ampgate::drivers
