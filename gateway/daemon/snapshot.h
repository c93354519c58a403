#pragma once
// Maps the site description plus what the devices reported onto the allocation core's
// input (policies::SiteSnapshot). This is the only place the two vocabularies meet.
#include <optional>

#include "gateway/daemon/site_runtime.h"
#include "policies/snapshot.h"

namespace ampgate::gateway {

// Seconds on the steady clock, the time base handed to policies::allocate.
policies::Seconds to_policy_seconds(SteadyClock::time_point t);

// The currents a meter reports now, per site phase, or nullopt when any phase the site has
// is missing or older than `stale_after` (stale is not zero).
std::optional<policies::Reading> meter_currents(const MeterRuntime& meter, int site_phases, SteadyClock::time_point now,
                                                std::chrono::duration<double> stale_after);

// The currents per charger phase the driver reports, stamped `at`; nullopt unless every
// wired phase was reported.
std::optional<policies::Reading> measured_reading(const ChargerRuntime& c, SteadyClock::time_point at);

policies::SiteSnapshot build_snapshot(const SiteRuntime& runtime, SteadyClock::time_point now,
                                      const std::optional<policies::ExternalLimit>& external);

}  // namespace ampgate::gateway
