#pragma once
// GET /metrics: the site in the Prometheus text exposition format (version 0.0.4).
// A stale value is left out (Prometheus then shows a gap), never written as 0.
#include <string>

#include "api/gateway_view.h"

namespace ampgate::api {

std::string prometheus_text(const SiteView& site);

}  // namespace ampgate::api
