#pragma once
// Random sites and states for the property test: trees up to four levels, 1-200
// chargers, random phase maps, modes, priorities, loads and faults.
#include <random>

#include "policies/snapshot.h"

namespace ampgate::policies::test {

struct GeneratedSite {
  SiteSnapshot site;
  Seconds now = 0;
};

GeneratedSite generate_site(std::mt19937_64& rng);

}  // namespace ampgate::policies::test
