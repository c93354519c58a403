// The constraint grid: how much room every limit has left, walked from a charger's
// circuit up to the mains.
#include <algorithm>

#include "policies/detail.h"

namespace ampgate::policies::detail {

Load load_on_phases(const std::array<Phase, 3>& map, int phases) {
  Load l;
  for (int i = 0; i < (phases == 1 ? 1 : 3); ++i) l.coef[phase_index(map[i])] = 1;
  for (auto c : l.coef) l.k += c;
  return l;
}

Load load_on_phase(Phase p) {
  Load l;
  l.coef[phase_index(p)] = 1;
  l.k = 1;
  return l;
}

double Grid::room(int c, const Load& load, int* binding, bool skip_sum) const {
  double best = unlimited;
  int at = -1;
  for (int n = c; n >= 0; n = parent[n]) {
    for (int p = 0; p < 3; ++p) {
      if (!load.coef[p]) continue;
      const double r = slack[n * 3 + p] / load.coef[p];
      if (r < best) best = r, at = n * 3 + p;
    }
  }
  if (!skip_sum && load.k > 0) {
    const double r = slack[sum()] / load.k;
    if (r < best) best = r, at = sum();
  }
  if (binding) *binding = at;
  return best;
}

void Grid::take(int c, const Load& load, double amps, bool skip_sum) {
  for (int n = c; n >= 0; n = parent[n]) {
    for (int p = 0; p < 3; ++p) {
      if (!load.coef[p]) continue;
      slack[n * 3 + p] -= amps * load.coef[p];
      ev_used[n * 3 + p] += amps * load.coef[p];
    }
  }
  if (!skip_sum) {
    slack[sum()] -= amps * load.k;
    ev_used[sum()] += amps * load.k;
  }
}

Reason Grid::reason_for(int limit) const {
  if (limit < 0) return {ReasonKind::charger_max, {}, {}};
  if (limit == sum())
    return {kind[limit] == LimitKind::external ? ReasonKind::external_limit : ReasonKind::sum_limit,
            mains_id, std::nullopt};
  const auto& id = ids[limit / 3];
  const auto phase = static_cast<Phase>(limit % 3);
  switch (kind[limit]) {
    case LimitKind::meter_stale: return {ReasonKind::meter_stale, id, std::nullopt};
    case LimitKind::external: return {ReasonKind::external_limit, id, phase};
    default: return {ReasonKind::fuse, id, phase};
  }
}

}  // namespace ampgate::policies::detail
