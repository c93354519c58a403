// How long one control cycle's allocation takes as sites grow. Target: 2000 chargers in
// under 1 ms, growing no faster than n log n (see the complexity line of the output).
#include <benchmark/benchmark.h>

#include <string>

#include "policies/allocate.h"

namespace {

using namespace ampgate::policies;

// mains -> 10 buildings -> 10 floors each; chargers spread over the floors. Every third is
// 1-phase on a rotated phase, every fourth can switch phases, modes cycle through all five.
SiteSnapshot site_with(int chargers, Sharing sharing) {
  SiteSnapshot s;
  s.policy.sharing = sharing;
  s.policy.phase_mode = PhaseMode::mixed;
  s.policy.solar_start_delay = 0;
  s.circuits.push_back({mains_id, "", 4000, true, Reading{{900, 850, 950}, 100}});
  std::vector<std::string> floors;
  for (int b = 0; b < 10; ++b) {
    const std::string building = "b" + std::to_string(b);
    s.circuits.push_back({building, mains_id, 630, b % 2 == 0, Reading{{50, 40, 60}, 100}});
    for (int f = 0; f < 10; ++f) {
      floors.push_back(building + "f" + std::to_string(f));
      s.circuits.push_back({floors.back(), building, 125, false, std::nullopt});
    }
  }
  const Mode modes[] = {Mode::fast, Mode::solar, Mode::eco, Mode::eco_plus, Mode::fast};
  const std::array<Phase, 3> maps[] = {{Phase::L1, Phase::L2, Phase::L3}, {Phase::L2, Phase::L3, Phase::L1},
                                       {Phase::L3, Phase::L1, Phase::L2}};
  for (int i = 0; i < chargers; ++i) {
    ChargerSnapshot c;
    c.id = "cp" + std::to_string(i);
    c.circuit = floors[static_cast<std::size_t>(i * 7) % floors.size()];
    c.wired_phases = i % 3 == 0 ? 1 : 3;
    c.can_switch_phases = c.wired_phases == 3 && i % 4 == 0;
    c.phase_map = maps[i % 3];
    c.max_current = i % 2 ? 16 : 32;
    c.priority = i % 4;
    c.mode = modes[i % 5];
    c.session_start = i % 97;
    c.state = CarState::charging;
    c.reading = Reading{{8, 8, 8}, 100};
    c.last_setpoint = Setpoint{8, c.wired_phases, true};
    s.chargers.push_back(c);
  }
  return s;
}

// Every reading is stamped `now`, as the control loop's fresh snapshot would be. (Left at
// their first time, the meters went stale after 5 s and nearly every measured call only
// paused chargers under the stale-meter fallback.) Restamping is ~2000 stores, noise next
// to a call.
void refresh_readings(SiteSnapshot& s, Seconds now) {
  for (auto& c : s.circuits)
    if (c.reading) c.reading->at = now;
  for (auto& c : s.chargers)
    if (c.reading) c.reading->at = now;
}

void allocate_site(benchmark::State& state, Sharing sharing) {
  SiteSnapshot site = site_with(static_cast<int>(state.range(0)), sharing);
  PolicyMemory memory;
  Seconds now = 100;
  for (auto _ : state) {
    refresh_readings(site, now);
    auto a = allocate(site, memory, now);
    benchmark::DoNotOptimize(a);
    now += 1;
  }
  state.SetComplexityN(state.range(0));
}

void BM_AllocateEqual(benchmark::State& state) { allocate_site(state, Sharing::equal); }
void BM_AllocatePriority(benchmark::State& state) { allocate_site(state, Sharing::priority); }

BENCHMARK(BM_AllocateEqual)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oNLogN);
BENCHMARK(BM_AllocatePriority)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oNLogN);

}  // namespace

BENCHMARK_MAIN();
