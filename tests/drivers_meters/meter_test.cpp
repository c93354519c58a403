// The data-driven meters: every model's table against a register image, signs, inverted
// wiring, stale-not-zero, malformed replies, request grouping, custom tables, signatures.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "drivers/meters/register_meter.h"
#include "drivers/registers.h"
#include "tests/drivers_meters/fake_device.h"

using namespace ampgate::drivers;
using ampgate::modbus::Function;
using ampgate::test::FakeDevice;
using Q = Quantity;

namespace {

// What the meter measures, in SI with the site's sign (L2 exports).
struct Truth {
  double v[3] = {230.1, 231.2, 229.8};
  double i[3] = {10.5, 8.25, 6.0};    // magnitudes
  double p[3] = {2300, -1900, 1400};  // W, signed
  double total() const { return p[0] + p[1] + p[2]; }
  double import_wh = 12345600;
  double export_wh = 2345000;
};

double truth_of(const Truth& t, Q q) {
  switch (q) {
    case Q::current_l1: case Q::current_l2: case Q::current_l3: return t.i[int(q) - int(Q::current_l1)];
    case Q::voltage_l1: case Q::voltage_l2: case Q::voltage_l3: return t.v[int(q) - int(Q::voltage_l1)];
    case Q::power_l1: case Q::power_l2: case Q::power_l3: return t.p[int(q) - int(Q::power_l1)];
    case Q::power_total: return t.total();
    case Q::import_energy: return t.import_wh;
    case Q::export_energy: return t.export_wh;
    case Q::power_import_l1: case Q::power_import_l2: case Q::power_import_l3:
      return std::max(0.0, t.p[int(q) - int(Q::power_import_l1)]);
    case Q::power_export_l1: case Q::power_export_l2: case Q::power_export_l3:
      return std::max(0.0, -t.p[int(q) - int(Q::power_export_l1)]);
    case Q::power_import_total: return std::max(0.0, t.total());
    case Q::power_export_total: return std::max(0.0, -t.total());
    case Q::import_energy_t1: return t.import_wh * 0.25;
    case Q::import_energy_t2: return t.import_wh * 0.75;
    case Q::export_energy_t1: return t.export_wh * 0.5;
    case Q::export_energy_t2: return t.export_wh * 0.5;
  }
  return 0;
}

// The image a device of this model would serve, built with the table's own layout.
void fill(FakeDevice& dev, const MeterModel& m, const Truth& t) {
  for (const auto& e : m.table) {
    const auto words = encode(e.spec, truth_of(t, e.quantity));
    ASSERT_TRUE(words.has_value()) << m.name << " " << to_string(e.quantity);
    dev.put(e.spec.function, e.spec.address, *words);
  }
}

bool has(const MeterModel& m, Q q) {
  return std::any_of(m.table.begin(), m.table.end(), [&](const TableEntry& e) { return e.quantity == q; });
}

void expect_near(const std::optional<Sample>& s, double want, const std::string& what) {
  ASSERT_TRUE(s.has_value()) << what;
  EXPECT_NEAR(s->value, want, std::abs(want) * 1e-6 + 1e-3) << what;
}

void read_all(FakeDevice& dev, Meter& meter, PollLevel level = PollLevel::slow) {
  ampgate::drivers::execute_all(dev, meter, meter.poll(level));
}

}  // namespace

TEST(MeterModels, EveryNameIsFoundAndCustomIsAccepted) {
  const std::set<std::string_view> expected{
      "sdm630",        "sdm230",           "sdm72d",        "abb_b23",          "finder_7e78",
      "finder_7m38",   "phoenix_eem350",   "wago_879",      "inepro_pro380",    "schneider_iem3x5x",
      "chint_dtsu666", "cg_em340",         "cg_em24",       "sinotimer_dts6619", "siemens_pac2200",
      "klefr_693x",    "shelly_pro3em",    "p1_dongle",     "custom"};
  const auto names = meter_model_names();
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()), expected);
  for (auto n : names) {
    if (n != "custom") {
      EXPECT_NE(find_meter_model(n), nullptr) << n;
    }
  }
  EXPECT_EQ(find_meter_model("custom"), nullptr);
  EXPECT_EQ(find_meter_model("sdm999"), nullptr);
}

// Each model's table read from an image of known SI values gives those values back, with
// the current's sign taken from its phase power.
TEST(MeterModels, EveryModelReadsItsImageInSiUnitsWithSigns) {
  for (const auto& m : meter_models()) {
    SCOPED_TRACE(std::string(m.name));
    Truth t;
    // A single-phase meter's one power register is also its total.
    if (m.name == "sdm230") t.p[1] = t.p[2] = 0;
    FakeDevice dev;
    fill(dev, m, t);
    RegisterMeter meter(m, m.default_unit, false);
    read_all(dev, meter);
    for (const auto& r : dev.requests) {
      EXPECT_LE(r.count, m.max_read);
      EXPECT_LE(r.count, ampgate::modbus::max_read_registers);
      EXPECT_EQ(r.unit, m.default_unit);
      EXPECT_FALSE(r.is_write());
    }
    const auto rd = meter.reading();
    const bool phase_power = has(m, Q::power_l1) || has(m, Q::power_import_l1);
    for (int p = 0; p < 3; ++p) {
      if (has(m, Quantity(int(Q::voltage_l1) + p))) expect_near(rd.voltage[p], t.v[p], "voltage");
      if (phase_power && (has(m, Quantity(int(Q::power_l1) + p)) || has(m, Quantity(int(Q::power_import_l1) + p))))
        expect_near(rd.power[p], t.p[p], "power");
      if (has(m, Quantity(int(Q::current_l1) + p))) {
        const double sign = phase_power && t.p[p] < 0 ? -1 : 1;  // no phase power: import
        expect_near(rd.current[p], sign * t.i[p], "current");
      } else {
        EXPECT_FALSE(rd.current[p].has_value() && !rd.voltage[p]) << "current without source";
      }
    }
    expect_near(rd.power_total, t.total(), "total power");
    if (has(m, Q::import_energy) || has(m, Q::import_energy_t1)) expect_near(rd.import_energy, t.import_wh, "import");
    if (has(m, Q::export_energy) || has(m, Q::export_energy_t1)) expect_near(rd.export_energy, t.export_wh, "export");
    EXPECT_EQ(meter.stats().failed_replies, 0u);
  }
}

TEST(MeterModels, InvertedFlipsCurrentsAndPowersAndSwapsEnergies) {
  const Truth t;
  for (const auto& m : meter_models()) {
    SCOPED_TRACE(std::string(m.name));
    FakeDevice dev;
    fill(dev, m, t);
    RegisterMeter straight(m, m.default_unit, false), inverted(m, m.default_unit, true);
    read_all(dev, straight);
    read_all(dev, inverted);
    const auto a = straight.reading(), b = inverted.reading();
    EXPECT_TRUE(inverted.inverted());
    for (int p = 0; p < 3; ++p) {
      ASSERT_EQ(a.current[p].has_value(), b.current[p].has_value());
      if (a.current[p]) {  // a phase without its own power counts as import either way
        EXPECT_DOUBLE_EQ(b.current[p]->value, a.power[p] ? -a.current[p]->value : a.current[p]->value);
      }
      if (a.power[p]) {
        EXPECT_DOUBLE_EQ(b.power[p]->value, -a.power[p]->value);
      }
      if (a.voltage[p]) {
        EXPECT_DOUBLE_EQ(b.voltage[p]->value, a.voltage[p]->value);
      }
    }
    ASSERT_TRUE(b.power_total.has_value());
    EXPECT_DOUBLE_EQ(b.power_total->value, -a.power_total->value);
    EXPECT_EQ(b.import_energy.has_value(), a.export_energy.has_value());
    if (a.import_energy) {
      ASSERT_TRUE(b.export_energy.has_value());
      EXPECT_DOUBLE_EQ(b.export_energy->value, a.import_energy->value);
    }
  }
}

// Register images written from the vendors' units, independently of the tables.
TEST(MeterModels, VendorUnitsBecomeSi) {
  {
    FakeDevice d;  // Siemens PAC2200: energies are 64-bit floats in Wh at 801 / 809
    d.put64(Function::read_holding, 801, std::bit_cast<std::uint64_t>(1234567.25));
    d.put64(Function::read_holding, 809, std::bit_cast<std::uint64_t>(42.5));
    RegisterMeter m(*find_meter_model("siemens_pac2200"), 126, false);
    read_all(d, m);
    expect_near(m.reading().import_energy, 1234567.25, "pac2200 import Wh");
    expect_near(m.reading().export_energy, 42.5, "pac2200 export Wh");
  }
  {
    FakeDevice d;  // Eastron: kWh float, unsigned current, signed power
    d.put_f32(Function::read_input, 0x0048, 12.5f);
    d.put_f32(Function::read_input, 0x0006, 10.0f);
    d.put_f32(Function::read_input, 0x000C, -2300.0f);
    RegisterMeter m(*find_meter_model("sdm630"), 1, false);
    read_all(d, m);
    expect_near(m.reading().import_energy, 12500.0, "sdm630 import Wh");
    expect_near(m.reading().current[0], -10.0, "sdm630 exporting L1");
  }
  {
    FakeDevice d;  // ABB: u64 0.01 kWh, u32 0.01 A, s32 0.01 W
    d.put64(Function::read_holding, 0x5000, 123456);
    d.put32(Function::read_holding, 0x5B0C, 1234);
    d.put32(Function::read_holding, 0x5B16, static_cast<std::uint32_t>(-50000));
    RegisterMeter m(*find_meter_model("abb_b23"), 1, false);
    read_all(d, m);
    expect_near(m.reading().import_energy, 1234560.0, "abb import Wh");
    expect_near(m.reading().current[0], -12.34, "abb current");
    expect_near(m.reading().power[0], -500.0, "abb power");
  }
  {
    FakeDevice d;  // WAGO / Inepro: power in kW
    d.put_f32(Function::read_holding, 0x5014, 1.5f);
    d.put_f32(Function::read_holding, 0x600C, 2.0f);
    RegisterMeter m(*find_meter_model("inepro_pro380"), 1, false);
    read_all(d, m);
    expect_near(m.reading().power[0], 1500.0, "pro380 kW");
    expect_near(m.reading().import_energy, 2000.0, "pro380 kWh");
  }
  {
    FakeDevice d;  // Chint: floats in mA and 0.1 V
    d.put_f32(Function::read_holding, 0x200C, 12345.0f);
    d.put_f32(Function::read_holding, 0x2006, 2301.0f);
    RegisterMeter m(*find_meter_model("chint_dtsu666"), 1, false);
    read_all(d, m);
    expect_near(m.reading().current[0], 12.345, "chint mA");
    expect_near(m.reading().voltage[0], 230.1, "chint 0.1 V");
  }
  {
    FakeDevice d;  // Carlo Gavazzi: s32 low word first, mA
    d.put(Function::read_input, 0x000C, {16000, 0});
    d.put(Function::read_input, 0x0034, {0x86A0, 0x0001});  // 100000 x 0.1 kWh
    RegisterMeter m(*find_meter_model("cg_em340"), 1, false);
    read_all(d, m);
    expect_near(m.reading().current[0], 16.0, "em340 current");
    expect_near(m.reading().import_energy, 10000000.0, "em340 import");
  }
  {
    FakeDevice d;  // Shelly: float low word first, Wh
    d.put_f32(Function::read_input, 1022, 7.25f, true);
    d.put_f32(Function::read_input, 1162, 4321.0f, true);
    RegisterMeter m(*find_meter_model("shelly_pro3em"), 1, false);
    read_all(d, m);
    expect_near(m.reading().current[0], 7.25, "shelly current");
    expect_near(m.reading().import_energy, 4321.0, "shelly Wh");
  }
  {
    FakeDevice d;  // Schneider: s64 Wh, power in kW
    d.put64(Function::read_holding, 0x0C83, 987654321);
    d.put_f32(Function::read_holding, 0x0BF3, -3.5f);
    RegisterMeter m(*find_meter_model("schneider_iem3x5x"), 1, false);
    read_all(d, m);
    expect_near(m.reading().import_energy, 987654321.0, "iem Wh");
    expect_near(m.reading().power_total, -3500.0, "iem kW");
  }
  {
    FakeDevice d;  // Sinotimer: 16-bit values, no total power register
    d.put(Function::read_input, 0x0003, {1000, 500, 250});   // 0.01 A
    d.put(Function::read_input, 0x0008, {2300, 0xFC18, 575});  // W, L2 = -1000
    RegisterMeter m(*find_meter_model("sinotimer_dts6619"), 1, false);
    read_all(d, m);
    expect_near(m.reading().current[1], -5.0, "sinotimer L2");
    expect_near(m.reading().power_total, 1875.0, "sinotimer sum of phases");
  }
}

TEST(MeterModels, P1DongleSplitsDirectionsAndMarksMissingValues) {
  FakeDevice d;
  const auto fc = Function::read_holding;
  d.put32(fc, 2, 1000);     // import T1 Wh
  d.put32(fc, 4, 2000);     // import T2
  d.put32(fc, 18, 230100);  // mV
  d.put32(fc, 20, 0xFFFFFFFF);  // not available
  d.put32(fc, 24, 10000);   // mA, no direction
  d.put32(fc, 38, 0);       // L1 import W
  d.put32(fc, 44, 2300);    // L1 export W
  d.put32(fc, 16, 2300);    // total export
  RegisterMeter m(*find_meter_model("p1_dongle"), 43, false);
  read_all(d, m);
  const auto r = m.reading();
  expect_near(r.voltage[0], 230.1, "voltage");
  EXPECT_FALSE(r.voltage[1].has_value()) << "0xFFFFFFFF must read as missing, not 4.29 MV";
  expect_near(r.power[0], -2300.0, "net L1 power");
  expect_near(r.current[0], -10.0, "signed L1 current");
  expect_near(r.power_total, -2300.0, "net total power");
  expect_near(r.import_energy, 3000.0, "tariffs summed");
  for (const auto& q : d.requests) EXPECT_EQ(q.unit, 43);
}

TEST(RegisterMeter, NeverReadMeansAbsentNotZero) {
  RegisterMeter m(*find_meter_model("sdm630"), 1, false);
  const auto r = m.reading();
  for (int p = 0; p < 3; ++p) EXPECT_FALSE(r.current[p].has_value());
  EXPECT_FALSE(r.power_total.has_value());
  EXPECT_FALSE(r.updated().has_value());
  EXPECT_FALSE(r.fresh(Clock::now(), std::chrono::seconds(5)));
}

TEST(RegisterMeter, FailedReadKeepsLastGoodValueWhichAgesIntoStale) {
  FakeDevice d;
  fill(d, *find_meter_model("sdm630"), Truth{});
  RegisterMeter m(*find_meter_model("sdm630"), 1, false);
  const auto t0 = Clock::now();
  for (const auto& q : m.poll(PollLevel::fast)) m.on_reply(q, d.execute(q), t0);
  ASSERT_TRUE(m.reading().fresh(t0, std::chrono::seconds(5)));

  d.failing = true;
  const auto t1 = t0 + std::chrono::seconds(10);
  for (const auto& q : m.poll(PollLevel::fast)) m.on_reply(q, d.execute(q), t1);
  const auto r = m.reading();
  ASSERT_TRUE(r.current[0].has_value());
  EXPECT_NEAR(r.current[0]->value, 10.5, 1e-4) << "the failed read must not zero the value";
  EXPECT_EQ(r.current[0]->at, t0);
  EXPECT_FALSE(r.fresh(t1, std::chrono::seconds(5)));
  EXPECT_FALSE(r.without_stale(t1, std::chrono::seconds(5)).current[0].has_value());
  EXPECT_GE(m.stats().failed_replies, 1u);
  EXPECT_NE(m.stats().last_error.find("timeout"), std::string::npos) << m.stats().last_error;
  EXPECT_NE(m.stats().last_error.find("sdm630"), std::string::npos) << m.stats().last_error;
}

TEST(RegisterMeter, WrongLengthReplyIsRejected) {
  FakeDevice d;
  fill(d, *find_meter_model("abb_b23"), Truth{});
  d.short_reply = true;
  RegisterMeter m(*find_meter_model("abb_b23"), 1, false);
  read_all(d, m);
  const auto r = m.reading();
  EXPECT_FALSE(r.current[0].has_value());
  EXPECT_FALSE(r.import_energy.has_value());
  EXPECT_EQ(m.stats().good_replies, 0u);
  EXPECT_EQ(m.stats().failed_replies, d.requests.size());
  EXPECT_NE(m.stats().last_error.find("instead of"), std::string::npos);
}

TEST(RegisterMeter, RepliesToOtherRequestsAreIgnored) {
  RegisterMeter m(*find_meter_model("sdm630"), 1, false);
  auto q = m.poll(PollLevel::fast).front();
  q.unit = 2;
  ampgate::modbus::Reply reply;
  reply.outcome = ampgate::modbus::Outcome::ok;
  reply.registers.assign(q.count, 0x4366);
  m.on_reply(q, reply, Clock::now());
  EXPECT_FALSE(m.reading().voltage[0].has_value());
  EXPECT_EQ(m.stats().good_replies, 0u);
}

TEST(RegisterMeter, FastPollLeavesEnergiesForTheSlowPoll) {
  RegisterMeter m(*find_meter_model("sdm630"), 1, false);
  for (const auto& q : m.poll(PollLevel::fast)) EXPECT_EQ(q.priority, ampgate::modbus::Priority::meter);
  const auto slow = m.poll(PollLevel::slow);
  EXPECT_GT(slow.size(), m.poll(PollLevel::fast).size());
  EXPECT_TRUE(std::any_of(slow.begin(), slow.end(),
                          [](const auto& q) { return q.priority == ampgate::modbus::Priority::telemetry; }));
}

TEST(Grouping, RequestsStayWithinLimitsAndFunctionCodes) {
  std::vector<TableEntry> t;
  // 100 consecutive floats (200 registers) on FC4, and one on FC3 at an overlapping address.
  for (std::uint16_t a = 0; a < 200; a += 2) {
    ampgate::modbus::RegisterSpec s;
    s.function = Function::read_input;
    s.address = a;
    s.type = ampgate::modbus::ValueType::f32;
    t.push_back({Q::voltage_l1, s});
  }
  ampgate::modbus::RegisterSpec h;
  h.function = Function::read_holding;
  h.address = 10;
  t.push_back({Q::current_l1, h});
  const auto groups = group_reads(t, 7, 125, 16);
  std::size_t covered = 0;
  for (const auto& g : groups) {
    EXPECT_LE(g.request.count, 125);
    EXPECT_EQ(g.request.unit, 7);
    for (const auto& e : g.entries) {
      EXPECT_EQ(e.spec.function, g.request.function);
      EXPECT_GE(e.spec.address, g.request.address);
      EXPECT_LE(e.spec.address + e.spec.word_count(), g.request.address + g.request.count);
    }
    covered += g.entries.size();
  }
  EXPECT_EQ(covered, t.size());
  EXPECT_EQ(groups.size(), 3u);  // 200 FC4 registers need two requests, FC3 one
}

TEST(Grouping, LargeGapsStartANewRequestAndSmallLimitsAreKept) {
  // Eastron: the phase block and the total power 0x34 sit 34 registers apart.
  const auto g = group_reads(find_meter_model("sdm630")->table, 1, 80, 16);
  for (const auto& x : g) EXPECT_LE(x.request.count, 80);
  EXPECT_EQ(g.size(), 3u);  // phases, total power, energies
  // EM24 answers at most 11 registers per read.
  const auto em24 = find_meter_model("cg_em24");
  for (const auto& x : group_reads(em24->table, 1, em24->max_read, em24->max_gap)) EXPECT_LE(x.request.count, 11);
}

// Single-phase PV exporting 4 kW on L1 while L2 and L3 import: the total is negative. A
// meter with per-phase current magnitudes and only a total power cannot tell a phase's
// direction, so every phase counts as import; an importing phase never reads as export.
TEST(MeterSigns, PhaseWithoutItsOwnPowerCountsAsImport) {
  Truth t;
  t.p[0] = -4000, t.p[1] = 1150, t.p[2] = 690;
  t.i[0] = 17.4, t.i[1] = 5.0, t.i[2] = 3.0;
  for (const char* name : {"finder_7e78", "phoenix_eem350"}) {
    SCOPED_TRACE(name);
    const MeterModel* m = find_meter_model(name);
    ASSERT_NE(m, nullptr);
    ASSERT_FALSE(has(*m, Q::power_l1) || has(*m, Q::power_import_l1)) << "the case needs a meter without phase power";
    FakeDevice dev;
    fill(dev, *m, t);
    RegisterMeter meter(*m, m->default_unit, false);
    read_all(dev, meter);
    const auto rd = meter.reading();
    expect_near(rd.power_total, t.total(), "total power");
    for (int p = 0; p < 3; ++p) expect_near(rd.current[p], t.i[p], "current counts as import");
  }
  // A custom table with currents and a total only: the same rule.
  Samples s;
  const auto when = std::chrono::steady_clock::now();
  for (int p = 0; p < 3; ++p) at(s, Quantity(int(Q::current_l1) + p)) = Sample{t.i[p], when};
  at(s, Q::power_total) = Sample{t.total(), when};
  const auto rd = derive_reading(s, false);
  for (int p = 0; p < 3; ++p) expect_near(rd.current[p], t.i[p], "custom current counts as import");
  // Wired the other way round (inverted): the total flips, a phase of unknown sign still
  // counts as import.
  const auto inv = derive_reading(s, true);
  expect_near(inv.power_total, -t.total(), "inverted total");
  for (int p = 0; p < 3; ++p) expect_near(inv.current[p], t.i[p], "inverted, still import");
}

TEST(CustomMeter, TableFromTheSiteFile) {
  CustomTable c;
  ampgate::modbus::RegisterSpec s;
  s.function = Function::read_holding;
  s.type = ampgate::modbus::ValueType::s32;
  s.order = ampgate::modbus::WordOrder::low_first;
  s.scale = 0.001;
  s.address = 100;
  c["current_l1"] = s;
  s.address = 110;
  s.scale = 1.0;
  c["power_l1"] = s;
  std::string error;
  auto m = make_meter("custom", 5, false, &c, error);
  ASSERT_NE(m, nullptr) << error;
  EXPECT_EQ(m->model(), "custom");
  FakeDevice d;
  d.put(Function::read_holding, 100, {8000, 0});
  d.put(Function::read_holding, 110, {static_cast<std::uint16_t>(-1840), 0xFFFF});
  read_all(d, *m);
  expect_near(m->reading().current[0], -8.0, "custom current signed by power");
  EXPECT_EQ(d.requests.front().unit, 5);
}

TEST(CustomMeter, BadTablesAreRefusedWithAMessage) {
  std::string error;
  EXPECT_EQ(make_meter("custom", 1, false, nullptr, error), nullptr);
  EXPECT_NE(error.find("custom"), std::string::npos);
  CustomTable c;
  c["curent_l1"] = {};
  error.clear();
  EXPECT_EQ(make_meter("custom", 1, false, &c, error), nullptr);
  EXPECT_NE(error.find("curent_l1"), std::string::npos);
  c.clear();
  ampgate::modbus::RegisterSpec w;
  w.function = Function::write_single;
  c["power_total"] = w;
  error.clear();
  EXPECT_EQ(make_meter("custom", 1, false, &c, error), nullptr);
  EXPECT_NE(error.find("function 3 or 4"), std::string::npos);
  error.clear();
  EXPECT_EQ(make_meter("sdm631", 1, false, nullptr, error), nullptr);
  EXPECT_NE(error.find("sdm631"), std::string::npos);
}

// Each model's signature read recognises an image of that model; a wrong-layout device at
// the same address does not match.
TEST(Signatures, EachModelRecognisesItsOwnImage) {
  const Truth t;
  for (const auto& m : meter_models()) {
    if (!m.signature) continue;
    SCOPED_TRACE(std::string(m.name));
    EXPECT_FALSE(m.signature->request.is_write());
    FakeDevice d;
    fill(d, m, t);
    if (m.name == "abb_b23") d.put(Function::read_holding, 0x8960, {('B' << 8) | '2', ('3' << 8) | ' '});
    if (m.name == "p1_dongle") d.put(Function::read_holding, 110, {('P' << 8) | '1', ('M' << 8) | '3'});
    if (m.name == "shelly_pro3em") d.put(Function::read_input, 6, {('S' << 8) | 'P', ('E' << 8) | 'M', ('-' << 8) | '0'});
    const auto reply = d.execute(m.signature->request);
    EXPECT_TRUE(m.signature->matches(reply.registers)) << m.signature->what;
    FakeDevice empty;
    EXPECT_FALSE(m.signature->matches(empty.execute(m.signature->request).registers)) << "all zero must not match";
  }
}

TEST(Signatures, LookAlikeLayoutsAreTellApart) {
  const Truth t;
  FakeDevice eastron, gavazzi, sinotimer;
  fill(eastron, *find_meter_model("sdm630"), t);
  fill(gavazzi, *find_meter_model("cg_em340"), t);
  fill(sinotimer, *find_meter_model("sinotimer_dts6619"), t);
  const auto& se = *find_meter_model("sdm630")->signature;
  const auto& sg = *find_meter_model("cg_em340")->signature;
  const auto& ss = *find_meter_model("sinotimer_dts6619")->signature;
  EXPECT_FALSE(se.matches(gavazzi.execute(se.request).registers));
  EXPECT_FALSE(se.matches(sinotimer.execute(se.request).registers));
  EXPECT_FALSE(sg.matches(eastron.execute(sg.request).registers));
  EXPECT_FALSE(sg.matches(sinotimer.execute(sg.request).registers));
  EXPECT_FALSE(ss.matches(eastron.execute(ss.request).registers));
  EXPECT_FALSE(ss.matches(gavazzi.execute(ss.request).registers));
}
