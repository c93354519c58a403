// The DSMR parser and stream reader against the fixtures in telegrams/ (written for these
// tests by telegrams/make_fixtures.py; not copied from any meter).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "drivers/p1/crc16.h"
#include "drivers/p1/telegram.h"

using namespace ampgate::drivers;
using namespace ampgate::drivers::p1;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(AMPGATE_SOURCE_DIR) + "/tests/drivers_meters/telegrams/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Telegram parse_ok(const std::string& name) {
  const auto r = parse_telegram(fixture(name), Clock::now());
  EXPECT_TRUE(r.telegram.has_value()) << name << ": " << r.error;
  return r.telegram.value_or(Telegram{});
}

void expect_value(const std::optional<Sample>& s, double want, const char* what) {
  ASSERT_TRUE(s.has_value()) << what;
  EXPECT_NEAR(s->value, want, 1e-6) << what;
}

}  // namespace

TEST(DsmrCrc, CatalogueCheckValue) {
  EXPECT_EQ(crc16("123456789"), 0xBB3D);  // CRC-16/ARC check value
  EXPECT_EQ(crc16(""), 0);
}

TEST(DsmrParser, Dsmr22HasNoCrcAndOnlyTotals) {
  const auto t = parse_ok("v22.txt");
  EXPECT_FALSE(t.crc_checked);
  EXPECT_TRUE(t.version.empty());
  EXPECT_EQ(t.header, "KFM5KAIFA-METER");
  EXPECT_EQ(t.equipment_id, "KFM10000000022");
  expect_value(t.reading.power_total, 1750.0, "total power");
  expect_value(t.reading.import_energy, 713000.0, "import T1+T2");
  expect_value(t.reading.export_energy, 32500.0, "export T1+T2");
  for (int p = 0; p < 3; ++p) EXPECT_FALSE(t.reading.current[p].has_value()) << "2.2 has no phase currents";
  ASSERT_TRUE(t.tariff.has_value());
  EXPECT_EQ(*t.tariff, 2);
}

TEST(DsmrParser, Dsmr42PhasesWithoutVoltages) {
  const auto t = parse_ok("v42.txt");
  EXPECT_TRUE(t.crc_checked);
  EXPECT_EQ(t.version, "42");
  expect_value(t.reading.current[0], 5.0, "I1");
  expect_value(t.reading.current[1], 4.0, "I2");
  expect_value(t.reading.current[2], 6.0, "I3");
  expect_value(t.reading.power[0], 1150.0, "P1");
  expect_value(t.reading.power[2], 1380.0, "P3");
  expect_value(t.reading.power_total, 3450.0, "P");
  expect_value(t.reading.import_energy, 3579750.0, "import");
  expect_value(t.reading.export_energy, 300125.0, "export");
  EXPECT_FALSE(t.reading.voltage[0].has_value());
}

TEST(DsmrParser, Dsmr50ExportingPhaseGetsANegativeCurrent) {
  const auto t = parse_ok("v50.txt");
  EXPECT_EQ(t.version, "50");
  EXPECT_FALSE(t.belgian);
  expect_value(t.reading.voltage[1], 232.0, "U2");
  expect_value(t.reading.current[0], 10.0, "I1 importing");
  expect_value(t.reading.current[1], -8.0, "I2 exporting");
  expect_value(t.reading.current[2], 2.0, "I3");
  expect_value(t.reading.power[1], -1856.0, "P2 net");
  expect_value(t.reading.power_total, 900.0, "P net");
  expect_value(t.reading.import_energy, 7531500.0, "import");
  expect_value(t.reading.export_energy, 3001000.0, "export");
}

TEST(DsmrParser, CoarseCurrentNeverUnderReadsThePower) {
  // The meter rounds 9.5 A down to "009*A" while its power says 2185 W at 230 V.
  std::string body =
      "/TST5TEST\r\n\r\n1-3:0.2.8(50)\r\n1-0:32.7.0(230.0*V)\r\n1-0:31.7.0(009*A)\r\n"
      "1-0:21.7.0(02.185*kW)\r\n1-0:22.7.0(00.000*kW)\r\n!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X\r\n", crc16(body));
  const auto r = parse_telegram(body + crc, Clock::now());
  ASSERT_TRUE(r.telegram) << r.error;
  expect_value(r.telegram->reading.current[0], 9.5, "I1 from P/U");
}

TEST(DsmrParser, BelgianEmucs) {
  const auto t = parse_ok("emucs.txt");
  EXPECT_TRUE(t.belgian);
  EXPECT_TRUE(t.crc_checked);
  EXPECT_EQ(t.version, "50217");
  expect_value(t.reading.current[0], -3.0, "I1 exporting");
  expect_value(t.reading.current[1], -2.0, "I2 exporting");
  expect_value(t.reading.power_total, -1610.0, "P net export");
  expect_value(t.reading.import_energy, 1191245.0, "import");
  expect_value(t.reading.export_energy, 133333.0, "export");
}

TEST(DsmrParser, MissingPhasesStayAbsent) {
  const auto t = parse_ok("single_phase.txt");
  expect_value(t.reading.current[0], 3.0, "I1");
  for (int p = 1; p < 3; ++p) {
    EXPECT_FALSE(t.reading.current[p].has_value());
    EXPECT_FALSE(t.reading.voltage[p].has_value());
    EXPECT_FALSE(t.reading.power[p].has_value());
  }
  expect_value(t.reading.power_total, 690.0, "P");
}

TEST(DsmrParser, CorruptedTelegramsAreRejectedWhole) {
  const auto bad = parse_telegram(fixture("bad_crc.txt"), Clock::now());
  EXPECT_FALSE(bad.telegram.has_value());
  EXPECT_NE(bad.error.find("CRC mismatch"), std::string::npos) << bad.error;

  const auto cut = parse_telegram(fixture("truncated.txt"), Clock::now());
  EXPECT_FALSE(cut.telegram.has_value());
  EXPECT_NE(cut.error.find("truncated"), std::string::npos) << cut.error;

  const auto nocrc = parse_telegram(fixture("missing_crc_v50.txt"), Clock::now());
  EXPECT_FALSE(nocrc.telegram.has_value());
  EXPECT_NE(nocrc.error.find("without CRC"), std::string::npos) << nocrc.error;

  EXPECT_FALSE(parse_telegram("garbage", Clock::now()).telegram.has_value());
}

TEST(DsmrParser, MalformedValueRejectsTheTelegram) {
  std::string body = "/TST5TEST\r\n\r\n1-3:0.2.8(50)\r\n1-0:31.7.0(0x5*A)\r\n!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X\r\n", crc16(body));
  const auto r = parse_telegram(body + crc, Clock::now());
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_NE(r.error.find("1-0:31.7.0"), std::string::npos) << r.error;
}

TEST(TelegramReader, FindsTelegramsBetweenGarbage) {
  const std::string stream = fixture("garbage_between.txt");
  TelegramReader reader;
  // Feed in odd-sized chunks, as a serial port delivers them.
  for (std::size_t i = 0; i < stream.size(); i += 7) reader.feed(std::string_view(stream).substr(i, 7));
  std::vector<Telegram> good;
  int bad = 0;
  while (auto text = reader.next()) {
    auto r = parse_telegram(*text, Clock::now());
    if (r.telegram) {
      good.push_back(*r.telegram);
    } else {
      ++bad;
    }
  }
  ASSERT_EQ(good.size(), 3u);
  EXPECT_EQ(good[0].version, "42");
  EXPECT_EQ(good[1].version, "50");
  EXPECT_EQ(good[2].version, "50217");
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(reader.dropped_telegrams(), 1u) << "the cut-off telegram";
  EXPECT_GT(reader.skipped_bytes(), 0u);
}

TEST(TelegramReader, OversizedTelegramIsDropped) {
  TelegramReader reader(64);
  reader.feed("/AAA5X\r\n\r\n" + std::string(100, 'x') + "\r\n!0000\r\n");
  EXPECT_FALSE(reader.next().has_value());
  EXPECT_EQ(reader.dropped_telegrams(), 1u);
  reader.feed(fixture("v42.txt"));
  EXPECT_FALSE(reader.next().has_value()) << "limit 64 bytes also drops a real one";
  TelegramReader big;
  big.feed(fixture("v42.txt"));
  EXPECT_TRUE(big.next().has_value());
}
