#pragma once
// The JSON documents of the API, mapped from the gateway's view (api/gateway_view.h).
// Stale or unknown measurements are JSON null, never 0.
#include <nlohmann/json.hpp>

#include "api/gateway_view.h"

namespace ampgate::api {

using nlohmann::json;

json to_json(const SiteView& site);  // the whole GET /site document
json to_json(const ChargerView& charger);
json to_json(const MeterView& meter);
json to_json(const CircuitView& circuit);
json to_json(const BusView& bus);
json to_json(const SessionRow& row);
json to_json(const EventRow& row);
json to_json(const MetricsHistory& history);

// The mains seen as a circuit (id "mains"), first in GET /circuits.
json mains_json(const SiteView& site);

// Sessions as CSV for billing tools: header line, then one row per session.
std::string sessions_csv(const std::vector<SessionRow>& rows);

}  // namespace ampgate::api
