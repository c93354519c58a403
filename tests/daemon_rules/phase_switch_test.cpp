// The steps of a phase switch as the daemon takes them (gateway/daemon/phase_switch.h), and
// a user's explicit stop and start as the driver's end/resume of a session.
#include <gtest/gtest.h>

#include "drivers/chargers/teltocharge.h"
#include "gateway/daemon/charger_commands.h"
#include "gateway/daemon/phase_switch.h"

namespace ampgate::gateway {
namespace {

constexpr double settle = 5;

// A charger paused 6 s ago, read since, the car stopped, reporting three phases; the
// target wants one.
SwitchFacts paused_and_followed() {
  SwitchFacts f;
  f.target_phases = 1;
  f.can_switch = true;
  f.reported_phases = 3;
  f.reports_phases = true;
  f.paused_in_force = true;
  f.paused_for = 6;
  f.read_since_pause = true;
  f.charging = false;
  f.currents = {0.2, 0.0, 0.0};
  return f;
}

TEST(PhaseSwitchSteps, SwitchesOnlyOnceThePauseIsOldEnoughReadAndTheCarStopped) {
  EXPECT_EQ(next_switch_step(paused_and_followed(), settle).step, SwitchStep::switch_phases);
  auto young = paused_and_followed();
  young.paused_for = 2;
  EXPECT_EQ(next_switch_step(young, settle).step, SwitchStep::wait_for_car);
  auto unread = paused_and_followed();
  unread.read_since_pause = false;
  EXPECT_EQ(next_switch_step(unread, settle).step, SwitchStep::wait_for_car);
  auto drawing = paused_and_followed();
  drawing.currents[2] = 7.5;
  EXPECT_EQ(next_switch_step(drawing, settle).step, SwitchStep::wait_for_car);
  auto charging = paused_and_followed();
  charging.charging.reset();  // not known: assumed still charging
  EXPECT_EQ(next_switch_step(charging, settle).step, SwitchStep::wait_for_car);
  auto running = paused_and_followed();
  running.paused_in_force = false;
  EXPECT_EQ(next_switch_step(running, settle).step, SwitchStep::wait_for_car);
}

TEST(PhaseSwitchSteps, ResumesOnlyOnceTheChargerReportsTheNewCount) {
  auto f = paused_and_followed();
  f.written_phases = 1;  // the switch was acknowledged, the report still says 3
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::wait_for_report);
  f.reported_phases.reset();  // the report was lost: not taken as done
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::wait_for_report);
  f.reported_phases = 1;
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::none);
}

TEST(PhaseSwitchSteps, AChargerThatReportsNoPhasesGetsTheSettleTimeAfterTheSwitch) {
  auto f = paused_and_followed();
  f.reported_phases.reset();
  f.reports_phases = false;
  f.written_phases = 1;
  f.paused_for = 1;  // since the switch's acknowledgement
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::wait_for_report);
  f.paused_for = 6;
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::none);
}

TEST(PhaseSwitchSteps, OnePhaseIsNeverResumedOnAChargerThatCannotSwitch) {
  auto f = paused_and_followed();
  f.can_switch = false;
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::cannot_switch);
  f.target_phases = 3;  // three offered to one still on one phase: less than planned
  f.reported_phases = 1;
  EXPECT_EQ(next_switch_step(f, settle).step, SwitchStep::none);
  SwitchFacts single;
  single.wired_phases = 1;
  single.target_phases = 1;
  EXPECT_EQ(next_switch_step(single, settle).step, SwitchStep::none);
}

ChargerRuntime telto_runtime() {
  ChargerRuntime c;
  c.cfg.id = "bay";
  drivers::ChargerSettings s;
  s.model = "teltocharge";
  c.driver = std::make_unique<drivers::TeltoCharge>(s);
  c.commanded_known = true;
  c.safety.commanded_certain = true;
  c.safety.must_write = false;
  return c;
}

TEST(UserSessionCommands, StopEndsTheSessionOnlyOnTopOfAPauseAndStartResumesIt) {
  auto c = telto_runtime();
  c.commanded = {16, 3, true};
  c.user.user_stopped = true;
  EXPECT_FALSE(session_write_due(c)) << "the pause goes first";
  c.commanded = {0, 3, false};
  auto end = session_write_due(c);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->ending);
  ASSERT_EQ(end->cmd.requests.size(), 1u);
  EXPECT_EQ(end->cmd.requests[0].address, 16);
  EXPECT_EQ(end->cmd.requests[0].values, std::vector<std::uint16_t>{1});
  c.session_write = true;
  EXPECT_FALSE(session_write_due(c)) << "one in flight at a time";
  c.session_write = false;
  c.session_ended_by_user = true;
  EXPECT_FALSE(session_write_due(c)) << "ended once";
  c.user.user_stopped = false;
  auto resume = session_write_due(c);
  ASSERT_TRUE(resume);
  EXPECT_FALSE(resume->ending);
  EXPECT_EQ(resume->cmd.requests[0].address, 16);
  EXPECT_EQ(resume->cmd.requests[0].values, std::vector<std::uint16_t>{2});
}

TEST(UserSessionCommands, NothingForADriverWithoutSessionCommands) {
  ChargerRuntime c;
  drivers::ChargerSettings s;
  s.model = "keba_p30";
  auto made = drivers::make_charger(s);
  ASSERT_TRUE(made.charger);
  c.driver = std::move(made.charger);
  c.commanded_known = true;
  c.safety.commanded_certain = true;
  c.commanded = {0, 3, false};
  c.user.user_stopped = true;
  EXPECT_FALSE(session_write_due(c));
}

}  // namespace
}  // namespace ampgate::gateway
