#pragma once
// What a user set for one charger (through the API, later MQTT), as one value: the control
// loop reads it at every period, a session's end clears what holds for a session only, and a
// reload carries it whole (Daemon::reload), so that nothing the user set is lost on SIGHUP.
#include <optional>

#include "gateway/config.h"
#include "policies/types.h"

namespace ampgate::gateway {

policies::Mode to_policy(config::Mode m);

struct UserSettings {
  policies::Mode mode = policies::Mode::fast;
  config::ModeSettings mode_settings;
  bool mode_set = false;               // mode and mode_settings came from the user, not the site file
  std::optional<double> user_limit;    // for the session; empty = none
  bool user_stopped = false;           // the user pressed stop in this session

  // The site file's mode and settings, for a charger the user has not given any.
  static UserSettings from_site(const config::Charger& c) {
    UserSettings u;
    u.mode = to_policy(c.mode);
    u.mode_settings = c.mode_settings;
    return u;
  }
  // After a reload: what the user set, on top of the (new) site file's defaults.
  UserSettings carried_to(const config::Charger& c) const {
    UserSettings u = *this;
    if (!mode_set) {
      const UserSettings site = from_site(c);
      u.mode = site.mode;
      u.mode_settings = site.mode_settings;
    }
    return u;
  }
  // A session ended: what the user set for that session no longer holds.
  void end_session() {
    user_limit.reset();
    user_stopped = false;
  }
};

}  // namespace ampgate::gateway
