// A write through the API is refused in the same words as the same value in site.yaml.
#include <gtest/gtest.h>

#include "api/validate.h"
#include "gateway/config_load.h"

namespace ampgate::test {
namespace {

using nlohmann::json;

// The one problem the loader finds in a small site whose charger line ends with `extra`.
std::string yaml_problem(const std::string& extra) {
  const std::string text =
      "site: {name: t, phases: 3, mains_fuse: 25}\n"
      "buses:\n  - {id: rs485, rtu: {port: /dev/ttyUSB0}}\n"
      "chargers:\n  - {id: c1, model: teltocharge, bus: rs485, unit: 1, max_current: 16, " + extra + "}\n";
  auto r = config::load_site_text(text, "site.yaml");
  if (r.problems.size() != 1) {
    std::string all;
    for (const auto& p : r.problems) all += p.format() + "\n";
    ADD_FAILURE() << "expected one problem for '" << extra << "', got " << r.problems.size() << ":\n" << all;
    return {};
  }
  return r.problems[0].message;
}

std::string api_problem(const api::Checked<api::ModeCommand>& c) {
  auto* e = std::get_if<api::ApiError>(&c);
  return e ? e->error : "accepted";
}

api::ChargerView charger_16a() {
  api::ChargerView c;
  c.id = "c1";
  c.max_current = 16;
  return c;
}

TEST(ApiValidation, TheLoaderAcceptsTheBaseSite) {
  auto r = config::load_site_text(
      "site: {name: t, phases: 3, mains_fuse: 25}\n"
      "buses:\n  - {id: rs485, rtu: {port: /dev/ttyUSB0}}\n"
      "chargers:\n  - {id: c1, model: teltocharge, bus: rs485, unit: 1, max_current: 16}\n",
      "site.yaml");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].format();
}

TEST(ApiValidation, UnknownModeSameAsSiteYaml) {
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "turbo"}})), yaml_problem("mode: turbo"));
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "eco-plus"}})), yaml_problem("mode: eco-plus"));
}

TEST(ApiValidation, ModeSettingRangesSameAsSiteYaml) {
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "eco"}, {"eco_grid_current", 3}})),
            yaml_problem("mode_settings: {eco_grid_current: 3}"));
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "eco"}, {"eco_grid_current", 81}})),
            yaml_problem("mode_settings: {eco_grid_current: 81}"));
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "eco_plus"}, {"eco_plus_start_surplus", 90}})),
            yaml_problem("mode_settings: {eco_plus_start_surplus: 90}"));
  EXPECT_EQ(api_problem(api::check_mode(json{{"mode", "eco_plus"}, {"eco_plus_start_surplus", 0}})), "accepted");
}

TEST(ApiValidation, ChargerCurrentRangeSameAsSiteYaml) {
  // In site.yaml the range applies to max_current; the API's user limit uses the same range.
  auto limit = api::check_limit(json{{"max_current", 90}}, charger_16a());
  ASSERT_TRUE(std::holds_alternative<api::ApiError>(limit));
  const std::string yaml = yaml_problem("min_current: 90");
  EXPECT_EQ(std::get<api::ApiError>(limit).error, yaml);
  auto low = api::check_limit(json{{"max_current", 5}}, charger_16a());
  ASSERT_TRUE(std::holds_alternative<api::ApiError>(low));
  EXPECT_EQ(std::get<api::ApiError>(low).error, yaml_problem("min_current: 5"));
}

TEST(ApiValidation, AboveTheChargersMaximumSameWordsAsSiteYaml) {
  auto limit = api::check_limit(json{{"max_current", 20}}, charger_16a());
  ASSERT_TRUE(std::holds_alternative<api::ApiError>(limit));
  EXPECT_EQ(std::get<api::ApiError>(limit).error, yaml_problem("failsafe_current: 20"));
}

}  // namespace
}  // namespace ampgate::test
