// What a user set for a charger (UserSettings): a reload keeps it, and the site file decides
// only what the user never set.
#include "gateway/daemon/user_settings.h"

#include <gtest/gtest.h>

namespace ampgate::gateway {
namespace {

config::Charger charger(config::Mode mode, double eco_grid_current) {
  config::Charger c;
  c.id = "bay-1";
  c.mode = mode;
  c.mode_settings.eco_grid_current = eco_grid_current;
  return c;
}

TEST(UserSettings, AReloadKeepsEverythingTheUserSet) {
  UserSettings u = UserSettings::from_site(charger(config::Mode::fast, 6));
  u.mode = policies::Mode::eco;
  u.mode_set = true;
  u.mode_settings.eco_grid_current = 9;
  u.user_limit = 7;
  u.user_stopped = true;
  // The new site file says something else about the mode: the user's choice stands.
  const UserSettings after = u.carried_to(charger(config::Mode::solar, 8));
  EXPECT_EQ(after.mode, policies::Mode::eco);
  EXPECT_EQ(after.mode_settings.eco_grid_current, 9);
  EXPECT_EQ(after.user_limit, 7);
  EXPECT_TRUE(after.user_stopped);
}

TEST(UserSettings, WhatTheUserNeverSetFollowsTheNewSiteFile) {
  UserSettings u = UserSettings::from_site(charger(config::Mode::fast, 6));
  u.user_limit = 10;
  const UserSettings after = u.carried_to(charger(config::Mode::eco, 8));
  EXPECT_EQ(after.mode, policies::Mode::eco);
  EXPECT_EQ(after.mode_settings.eco_grid_current, 8);
  EXPECT_EQ(after.user_limit, 10);
}

TEST(UserSettings, ASessionsEndClearsWhatHeldForThatSessionOnly) {
  UserSettings u = UserSettings::from_site(charger(config::Mode::fast, 6));
  u.mode = policies::Mode::solar;
  u.mode_set = true;
  u.user_limit = 10;
  u.user_stopped = true;
  u.end_session();
  EXPECT_FALSE(u.user_limit);
  EXPECT_FALSE(u.user_stopped);
  EXPECT_EQ(u.mode, policies::Mode::solar);
}

}  // namespace
}  // namespace ampgate::gateway
