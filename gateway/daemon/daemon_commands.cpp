// The daemon's command interface (gateway/view/command.h): each command runs on the loop
// thread, changes what the user set (UserSettings) or the temporary mains limit, is recorded
// as an event, and takes effect at the next control period.
#include <asio/post.hpp>
#include <future>

#include "gateway/config_reader.h"
#include "gateway/daemon/daemon_view.h"
#include "gateway/daemon/snapshot.h"

namespace ampgate::gateway {

using command::CommandResult;
using command::ModeCommand;
using command::SiteLimitsCommand;
using view::WallClock;

CommandResult DaemonView::on_loop(std::function<CommandResult()> f) {
  auto done = std::make_shared<std::promise<CommandResult>>();
  auto answer = done->get_future();
  asio::post(daemon_.io(), [f = std::move(f), done] { done->set_value(f()); });
  if (answer.wait_for(std::chrono::seconds(3)) != std::future_status::ready)
    return CommandResult::refuse("the gateway did not take the command in time (stopping or overloaded); try again");
  return answer.get();
}

CommandResult DaemonView::on_charger(
    const std::string& id, std::function<CommandResult(const ChargerRuntime&, UserSettings&, std::string& what)> change) {
  return on_loop([this, id, change = std::move(change)] {
    auto* c = daemon_.runtime().find_charger(id);
    if (!c) return CommandResult::unknown(id);
    // A copy, so that a refused command changes nothing.
    UserSettings user = c->user;
    std::string what;
    if (auto r = change(*c, user, what); !r.ok()) return r;
    c->user = user;
    daemon_.record_event(storage::Severity::info, "charger " + id, what, {{"charger", id}, {"by", "api"}});
    return CommandResult::success();
  });
}

CommandResult DaemonView::set_mode(const std::string& id, const ModeCommand& cmd) {
  return on_charger(id, [cmd](const ChargerRuntime&, UserSettings& u, std::string& what) {
    u.mode = to_policy(cmd.mode);
    u.mode_set = true;
    if (cmd.eco_grid_current) u.mode_settings.eco_grid_current = *cmd.eco_grid_current;
    if (cmd.eco_plus_start_surplus) u.mode_settings.eco_plus_start_surplus = *cmd.eco_plus_start_surplus;
    what = std::string("mode set to ") + config::to_string(cmd.mode);
    return CommandResult::success();
  });
}

CommandResult DaemonView::set_limit(const std::string& id, std::optional<double> max_current) {
  return on_charger(id, [max_current](const ChargerRuntime& c, UserSettings& u, std::string& what) {
    // The front end checked against the view; the site file may have been reloaded since.
    using config::detail::number_text;
    if (max_current && *max_current > c.cfg.max_current)
      return CommandResult::refuse(number_text(*max_current) + " A is above max_current " + number_text(c.cfg.max_current) + " A",
                                   "max_current");
    if (max_current && *max_current < c.cfg.min_current)
      return CommandResult::refuse(number_text(*max_current) + " A is below min_current " + number_text(c.cfg.min_current) + " A",
                                   "max_current");
    u.user_limit = max_current;
    what = max_current ? "user limit set to " + std::to_string(static_cast<int>(*max_current)) + " A"
                       : std::string("user limit removed");
    return CommandResult::success();
  });
}

CommandResult DaemonView::start(const std::string& id) {
  return on_charger(id, [](const ChargerRuntime&, UserSettings& u, std::string& what) {
    u.user_stopped = false;
    what = "started by user";
    return CommandResult::success();
  });
}

CommandResult DaemonView::stop(const std::string& id) {
  return on_charger(id, [](const ChargerRuntime&, UserSettings& u, std::string& what) {
    u.user_stopped = true;
    what = "stopped by user";
    return CommandResult::success();
  });
}

CommandResult DaemonView::set_site_limits(const SiteLimitsCommand& cmd) {
  return on_loop([this, cmd] {
    if (!cmd.mains_limit) {
      daemon_.set_external_limit(std::nullopt);
      temporary_until_.reset();
      daemon_.record_event(storage::Severity::info, "api", "temporary mains limit removed");
      return CommandResult::success();
    }
    const double fuse = daemon_.runtime().site().site.mains_fuse;
    using config::detail::number_text;
    if (*cmd.mains_limit > fuse)  // the fuse of a site file reloaded since the front end checked
      return CommandResult::refuse(number_text(*cmd.mains_limit) + " A is above the mains fuse " + number_text(fuse) + " A",
                                   "mains_limit");
    if (!(*cmd.mains_limit >= 0.0))
      return CommandResult::refuse(number_text(*cmd.mains_limit) + " A is outside 0–" + number_text(fuse) + " A", "mains_limit");
    policies::ExternalLimit l;
    l.per_phase = cmd.mains_limit;
    auto now = SteadyClock::now();
    // Without a duration the limit holds until removed (or the gateway restarts).
    double seconds = cmd.duration.value_or(10.0 * 365 * 24 * 3600);
    l.until = to_policy_seconds(now) + seconds;
    temporary_until_.reset();
    if (cmd.duration)
      temporary_until_ = WallClock::now() + std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(seconds));
    daemon_.set_external_limit(l);
    daemon_.record_event(storage::Severity::info, "api",
                         "temporary mains limit " + std::to_string(static_cast<int>(*cmd.mains_limit)) + " A per phase",
                         {{"duration_s", cmd.duration ? std::to_string(*cmd.duration) : "until removed"}});
    return CommandResult::success();
  });
}

}  // namespace ampgate::gateway
