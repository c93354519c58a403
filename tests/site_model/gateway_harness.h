#pragma once
// Plays the gateway's part with only what a gateway could know: it polls the world's meters
// and chargers at their own moments, builds policies::SiteSnapshot from those readings,
// calls policies::allocate() and gateway::plan_writes(), has the judge check every write
// prefix, then executes the plan stage by stage (a failed write stops it). It never looks
// at the world's truth except through a poll or a write.
#include <deque>
#include <optional>
#include <vector>

#include "gateway/daemon/write_plan.h"
#include "policies/allocate.h"
#include "tests/site_model/judge.h"
#include "tests/site_model/scenario.h"
#include "tests/site_model/world.h"

namespace ampgate::site_model {

class GatewayHarness {
 public:
  GatewayHarness(const Scenario& s, World& w);

  // Polls due at this tick, then the decision if it is due. Returns what the prefix judge found.
  std::optional<Violation> tick(const Judge& judge);

  void crash();   // memory, beliefs and readings lost; nothing polled or written until back()
  void back();    // starts again: programs and reads back every watchdog it can reach
  void reload();  // allocation memory lost
  void stop();    // SIGTERM: writes every failsafe, then does nothing more
  void set_mode(int c, policies::Mode m) { chargers_[c].mode = m; }
  void set_external(const std::optional<policies::ExternalLimit>& e) { external_ = e; }
  void next_write(int c, World::WriteOutcome o) { chargers_[c].outcomes.push_back(o); }

  const std::optional<policies::ExternalLimit>& external() const { return external_; }
  // While crashed (not stopped) nothing is the gateway's fault; after it came back, from then.
  Tick excused_until() const { return !up_ && !stopped_ ? world_.now() : excused_until_; }
  int decisions() const { return decisions_; }
  const policies::SiteSnapshot& last_snapshot() const { return snapshot_; }

 private:
  struct Belief {
    policies::Setpoint last;
    bool known = true;
    // What a gateway process last wrote (the larger of old and new after a failed write),
    // kept across restarts. Unlike `last` it never takes a read-back or a detected reboot:
    // the judge rolls an unasked change back to this, the gateway's own command.
    policies::Setpoint asked;
    // Like the daemon's must_write: after a restart or a detected reboot, until a write is
    // acknowledged, the charger may be paused or at anything up to its worst case (a read-back
    // shows the offer, not whether the car and the charger will stay there).
    bool must_write = false;
    std::optional<policies::Setpoint> at_least;  // after a failed write (write_plan.h)
    std::vector<policies::TimedSetpoint> recent;
    bool reachable = true;
    Tick last_seen = 0;
    std::optional<policies::Reading> reading;
    policies::CarState state = policies::CarState::disconnected;
    int boots_seen = 0;
    bool verified = false;
    Tick last_write = 0;
    policies::Mode mode = policies::Mode::fast;
    std::deque<World::WriteOutcome> outcomes;
  };

  void poll_charger(int c);
  void poll_meter(int i);
  std::optional<Violation> decide(const Judge& judge);
  void trace(const policies::Allocation& a, const gateway::WritePlan& plan) const;
  void build_snapshot();
  void commanded(int c, const policies::Setpoint& s, bool known);
  policies::Setpoint unknown_setpoint(int c) const;
  void program_watchdog(int c);

  const Scenario& scenario_;
  World& world_;
  std::vector<Belief> chargers_;
  std::vector<std::optional<policies::Reading>> meters_;
  policies::PolicyMemory memory_;
  policies::SiteSnapshot snapshot_;
  std::optional<policies::ExternalLimit> external_;
  bool up_ = true;
  bool stopped_ = false;
  Tick excused_until_ = 0;
  int decisions_ = 0;
};

}  // namespace ampgate::site_model
