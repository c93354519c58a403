#pragma once
// The daemon's command interface: what a user may ask of the gateway (REST today, MQTT
// later), the same few commands for every front end. Standard library only (and the site
// file's words), like gateway/view/view.h.
//
// The front end checks the shape of a request (api/validate.h: JSON fields, ranges, the
// same words as site.yaml); the implementation checks again what only it knows (an unknown
// charger, a limit outside that charger's range or above the fuse, a race with a reload)
// and refuses with a message for the user and the field at fault.
#include <optional>
#include <string>
#include <utility>

#include "gateway/view/words.h"

namespace ampgate::command {

struct CommandResult {
  enum class Status { ok, unknown_charger, rejected };
  Status status = Status::ok;
  std::string message;                  // for the user when not ok
  std::string field;                    // the offending field, if any

  static CommandResult success() { return {}; }
  static CommandResult unknown(const std::string& id) {
    return {Status::unknown_charger, "no charger '" + id + "'", "id"};
  }
  static CommandResult refuse(std::string message, std::string field = {}) {
    return {Status::rejected, std::move(message), std::move(field)};
  }
  bool ok() const { return status == Status::ok; }
};

struct ModeCommand {
  config::Mode mode = config::Mode::fast;
  std::optional<double> eco_grid_current;        // unchanged when empty
  std::optional<double> eco_plus_start_surplus;  // unchanged when empty
};

struct SiteLimitsCommand {
  std::optional<double> mains_limit;    // per phase; empty = clear the temporary limit
  std::optional<double> duration;       // seconds; empty = until cleared or restart
};

// Implemented by the daemon (gateway/daemon/daemon_view.h). Contract:
//  - Every method is thread-safe: front ends call them from their own threads.
//  - Commands are stored and take effect at the next control period (never in between:
//    the loop stays the only writer to chargers). Each accepted command is recorded as an
//    event with who/what/new value. A command is never allowed to raise any current above a
//    fuse: a user limit or a temporary mains limit only ever lowers what the loop allocates.
class Commands {
 public:
  virtual ~Commands() = default;

  virtual CommandResult set_mode(const std::string& charger, const ModeCommand& command) = 0;
  // empty = remove the user limit
  virtual CommandResult set_limit(const std::string& charger, std::optional<double> max_current) = 0;
  // start: clears a user stop, the charger runs again when its mode allows.
  virtual CommandResult start(const std::string& charger) = 0;
  // stop: pauses the charger (setpoint run=false) until start.
  virtual CommandResult stop(const std::string& charger) = 0;
  virtual CommandResult set_site_limits(const SiteLimitsCommand& command) = 0;
};

}  // namespace ampgate::command
