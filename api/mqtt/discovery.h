#pragma once
// Home Assistant MQTT discovery for a site: one retained config document per entity under
// <discovery prefix>/<component>/<node>/<object id>/config, generated from the same table
// (api/mqtt/schema.h) and topic names as the state, so that they cannot drift apart.
// The gateway is one device; every charger is a device of its own "via" the gateway.
#include <string>

#include "api/gateway_view.h"
#include "api/mqtt/state_topics.h"

namespace ampgate::api::mqtt {

// The node id of a prefix: "ampgate/home" -> "ampgate_home" (letters, digits, _ and -).
std::string node_id(const std::string& prefix);

// Where the gateway says whether it is there: "online" (retained) or "offline" (its will).
inline std::string status_topic(const std::string& prefix) { return prefix + "/status"; }

Topics discovery_topics(const SiteView& site, const std::string& prefix, const std::string& discovery_prefix);

}  // namespace ampgate::api::mqtt
