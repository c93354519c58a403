#pragma once
// The state of a site as MQTT topics: one JSON document per object (<prefix>/site,
// <prefix>/circuit/<id>, <prefix>/charger/<id>, <prefix>/meter/<id>; the REST API's
// documents) and one topic per value of api/mqtt/schema.h beneath it. Pure: the bridge
// decides when to publish.
#include <map>
#include <string>
#include <vector>

#include "api/gateway_view.h"

namespace ampgate::api::mqtt {

using Topics = std::map<std::string, std::string>;  // topic -> payload

// Every state topic of `site` under `prefix` (e.g. "ampgate/home").
Topics state_topics(const SiteView& site, const std::string& prefix);

// The topics of `now` whose payload differs from `last` (all of them when `all`), and
// `last` updated to `now`. A topic that disappeared (a charger removed by a reload) is
// returned with an empty payload, which clears its retained message.
std::vector<std::pair<std::string, std::string>> changes(const Topics& now, Topics& last, bool all);

}  // namespace ampgate::api::mqtt
