#pragma once
// The resolved circuit tree of a validated site: effective limits and the text that
// `ampgate check` prints.
#include <string>

#include "gateway/config.h"

namespace ampgate::config {

// Per-phase current a circuit may carry: the smallest limit on its way up to the mains,
// minus the site's safety margin. Never negative. For "mains" it is the mains fuse
// minus the margin.
double effective_limit(const Site& site, const std::string& circuit_id);

// Human-readable tree: mains -> circuits -> chargers and meters, with phase maps and
// effective limits; then buses and policy.
std::string describe_site(const Site& site);

}  // namespace ampgate::config
