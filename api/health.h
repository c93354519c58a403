#pragma once
// GET /health: healthy when the control loop ran within two control periods, the mains
// meter (if the site has one) is fresh, no measured phase (mains or circuit) is over its
// limit, and the daemon reports no fault of its own.
#include <string>

#include "api/gateway_view.h"

namespace ampgate::api {

struct Health {
  bool ok = false;
  std::string reason;  // why not, when !ok
};

Health judge_health(const SiteView& site, WallTime now);

}  // namespace ampgate::api
