// What a P1 meter or HomeWizard may send that must not become a reading, nor stop the
// process (issue 18): non-finite and impossible values under a valid CRC, a telegram whose
// last line end is lost (must cost that telegram only), and HomeWizard documents whose
// fields have the wrong JSON types.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <thread>

#include "drivers/p1/crc16.h"
#include "drivers/p1/source.h"
#include "drivers/p1/telegram.h"

using namespace ampgate::drivers;
using namespace ampgate::drivers::p1;
using namespace std::chrono_literals;

namespace {

// A DSMR 5 telegram around `lines` with a correct CRC, ending "!XXXX\r\n".
std::string telegram(const std::string& lines) {
  const std::string body = "/TST5TEST\r\n\r\n1-3:0.2.8(50)\r\n" + lines + "!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X\r\n", crc16(body));
  return body + crc;
}

const std::string good_lines = "1-0:31.7.0(007*A)\r\n1-0:21.7.0(01.610*kW)\r\n1-0:22.7.0(00.000*kW)\r\n";

std::vector<Telegram> read_all(TelegramReader& reader, int& bad) {
  std::vector<Telegram> out;
  while (auto text = reader.next()) {
    auto r = parse_telegram(*text, Clock::now());
    if (r.telegram) out.push_back(*r.telegram);
    else ++bad;
  }
  return out;
}

}  // namespace

TEST(P1Values, NanWithAValidCrcRejectsTheTelegram) {
  const auto r = parse_telegram(telegram("1-0:1.7.0(nan*kW)\r\n"), Clock::now());
  EXPECT_FALSE(r.telegram.has_value()) << "a nan power was accepted";
  EXPECT_NE(r.error.find("1-0:1.7.0"), std::string::npos) << r.error;
}

TEST(P1Values, InfinityAndImpossibleValuesRejectTheTelegram) {
  for (const std::string line : {"1-0:1.7.0(inf*kW)", "1-0:31.7.0(inf*A)", "1-0:31.7.0(infinity*A)",
                                 "1-0:32.7.0(-nan*V)", "1-0:1.8.1(1e308*kWh)", "1-0:21.7.0(-01.000*kW)",
                                 "1-0:31.7.0(5000*A)", "1-0:32.7.0(-230.0*V)"}) {
    const auto r = parse_telegram(telegram(good_lines + line + "\r\n"), Clock::now());
    EXPECT_FALSE(r.telegram.has_value()) << line << " was accepted";
  }
  // The same telegram without the bad line is fine: the test rejects the value, not the frame.
  const auto ok = parse_telegram(telegram(good_lines), Clock::now());
  ASSERT_TRUE(ok.telegram) << ok.error;
  ASSERT_TRUE(ok.telegram->reading.current[0]);
  EXPECT_DOUBLE_EQ(ok.telegram->reading.current[0]->value, 7.0);
}

TEST(P1Stream, AMissingLastLineEndCostsOneTelegramNotTwo) {
  std::string first = telegram(good_lines);
  first.pop_back();  // "...!XXXX\r" : the LF is lost on the line
  TelegramReader reader;
  reader.feed(first + telegram(good_lines) + telegram(good_lines));
  int bad = 0;
  const auto good = read_all(reader, bad);
  EXPECT_EQ(good.size(), 2u) << "the telegram after the damaged one must be read whole";
  EXPECT_EQ(bad + static_cast<int>(reader.dropped_telegrams()), 1) << "one damaged telegram, counted once";
}

TEST(P1Stream, ALineCutShortCostsOneTelegram) {
  std::string first = telegram(good_lines);
  first.resize(first.find("1-0:21.7.0") + 6);  // the meter stopped mid-line
  TelegramReader reader;
  reader.feed(first + telegram(good_lines));
  int bad = 0;
  const auto good = read_all(reader, bad);
  EXPECT_EQ(good.size(), 1u);
  EXPECT_EQ(reader.dropped_telegrams(), 1u);
}

TEST(P1Stream, TornTelegramIsNeverHalfUsed) {
  // The end of one telegram glued to the start of another yields nothing of either half.
  const std::string a = telegram("1-0:31.7.0(030*A)\r\n");
  const std::string b = telegram(good_lines);
  TelegramReader reader;
  reader.feed(a.substr(0, a.size() / 2));
  reader.feed(b.substr(b.size() / 2));
  int bad = 0;
  EXPECT_TRUE(read_all(reader, bad).empty());
}

TEST(P1Time, TelegramTimestampIsCentralEuropeanWithSeasonFlag) {
  using namespace std::chrono;
  auto t = parse_telegram(telegram("0-0:1.0.0(230615123000S)\r\n" + good_lines), Clock::now());
  ASSERT_TRUE(t.telegram && t.telegram->meter_time) << t.error;
  EXPECT_EQ(*t.telegram->meter_time, sys_days{2023y / June / 15} + 10h + 30min);
  t = parse_telegram(telegram("0-0:1.0.0(231120183000W)\r\n" + good_lines), Clock::now());
  ASSERT_TRUE(t.telegram && t.telegram->meter_time);
  EXPECT_EQ(*t.telegram->meter_time, sys_days{2023y / November / 20} + 17h + 30min);
  // Malformed stamps are ignored (arrival time counts), not a reason to drop the values.
  t = parse_telegram(telegram("0-0:1.0.0(231340183000W)\r\n" + good_lines), Clock::now());
  ASSERT_TRUE(t.telegram);
  EXPECT_FALSE(t.telegram->meter_time);
}

TEST(HomeWizardJson, NumberWhereAStringIsExpectedIsAFailureNotACrash) {
  std::string error;
  std::optional<Telegram> t;
  EXPECT_NO_THROW(t = parse_homewizard_v1(R"({"unique_id":0})", Clock::now(), error));
  EXPECT_FALSE(t.has_value()) << "an answer without measurements gave a reading";
  EXPECT_FALSE(error.empty());
  // With measurements, wrong-typed identity fields are only left empty.
  EXPECT_NO_THROW(t = parse_homewizard_v1(R"({"unique_id":0,"meter_model":[1],"smr_version":"5","active_tariff":{},)"
                                          R"("active_power_w":100,"active_power_l1_w":100,"active_current_l1_a":1})",
                                          Clock::now(), error));
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_TRUE(t->equipment_id.empty());
  EXPECT_FALSE(t->tariff.has_value());
}

TEST(HomeWizardJson, WrongTypedOrImpossibleMeasurementRejectsTheAnswer) {
  for (const char* doc : {R"({"active_power_w":"many","active_current_l1_a":1})", R"({"active_current_l1_a":true})",
                          R"({"active_current_l1_a":[1]})", R"({"active_power_w":1e400})",
                          R"({"active_voltage_l1_v":-5,"active_current_l1_a":1})"}) {
    std::string error;
    std::optional<Telegram> t;
    EXPECT_NO_THROW(t = parse_homewizard_v1(doc, Clock::now(), error)) << doc;
    EXPECT_FALSE(t.has_value()) << doc;
    EXPECT_FALSE(error.empty()) << doc;
  }
}

TEST(HomeWizardJson, DeviceAnsweringWrongTypesIsACountedFailure) {
  httplib::Server server;
  server.Get("/api/v1/data", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"unique_id":0})", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { server.listen_after_bind(); });
  HomeWizardSource source("127.0.0.1", port);
  P1Result r;
  EXPECT_NO_THROW(r = source.read(2000ms));
  server.stop();
  t.join();
  EXPECT_FALSE(r.telegram.has_value());
  EXPECT_EQ(source.counters().bad, 1u);
  EXPECT_NE(source.counters().last_error.find("127.0.0.1"), std::string::npos) << source.counters().last_error;
}
