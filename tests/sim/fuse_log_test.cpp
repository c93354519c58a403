// The fuse log keeps the peak per phase and the time spent over each limit.
#include <gtest/gtest.h>

#include "gateway/sim/fuse_log.h"

namespace ampgate::sim {
namespace {

FuseLog two_circuits() {
  FuseLog log;
  log.circuits = {{"mains", 25, {}, {}}, {"garage", 16, {}, {}}};
  return log;
}

TEST(FuseLog, PeakAndSecondsOverPerPhase) {
  auto log = two_circuits();
  log.record({{20, 26, 0}, {10, 16, 0}}, 0.5);
  log.record({{30, 10, 0}, {17, 0, 0}}, 0.5);
  log.record({{10, 10, 0}, {5, 0, 0}}, 1.0);
  const auto* mains = log.find("mains");
  ASSERT_NE(mains, nullptr);
  EXPECT_DOUBLE_EQ(mains->peak[0], 30);
  EXPECT_DOUBLE_EQ(mains->seconds_over[0], 0.5);
  EXPECT_DOUBLE_EQ(mains->seconds_over[1], 0.5);
  EXPECT_DOUBLE_EQ(log.find("garage")->seconds_over[1], 0.0);  // at the limit is not over it
  EXPECT_DOUBLE_EQ(log.find("garage")->seconds_over[0], 0.5);
  EXPECT_DOUBLE_EQ(log.duration, 2.0);
  EXPECT_TRUE(log.exceeded());
}

TEST(FuseLog, ExportCountsAsCurrentThroughTheFuse) {
  auto log = two_circuits();
  log.record({{-27, 0, 0}, {0, 0, 0}}, 1.0);
  EXPECT_DOUBLE_EQ(log.find("mains")->peak[0], 27);
  EXPECT_DOUBLE_EQ(log.find("mains")->seconds_over[0], 1.0);
}

TEST(FuseLog, JsonAndTextNameEveryCircuit) {
  auto log = two_circuits();
  log.record({{1, 2, 3}, {1, 1, 1}}, 1.0);
  const auto j = to_json(log);
  EXPECT_EQ(j["circuits"][1]["circuit"], "garage");
  EXPECT_DOUBLE_EQ(j["circuits"][0]["phases"]["L3"]["peak"].get<double>(), 3.0);
  EXPECT_FALSE(j["exceeded"].get<bool>());
  EXPECT_NE(log.text().find("garage"), std::string::npos);
  EXPECT_NE(log.text().find("no limit exceeded"), std::string::npos);
}

}  // namespace
}  // namespace ampgate::sim
