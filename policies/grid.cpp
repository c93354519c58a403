// The constraint grid: how much room every limit has left, walked from a charger's
// circuit up to the mains.
#include <algorithm>

#include "policies/detail.h"

namespace ampgate::policies::detail {

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

Why Grid::reason_for(int limit) const {
  if (limit < 0) return {ReasonKind::charger_max};
  if (limit == sum())
    return {kind[limit] == LimitKind::external ? ReasonKind::external_limit : ReasonKind::sum_limit, -1, 0};
  const int circuit = limit / 3;
  const auto phase = static_cast<std::int8_t>(limit % 3);
  switch (kind[limit]) {
    case LimitKind::meter_stale: return {ReasonKind::meter_stale, -1, circuit};
    case LimitKind::external: return {ReasonKind::external_limit, phase, circuit};
    default: return {ReasonKind::fuse, phase, circuit};
  }
}

Reason to_reason(const Why& why, const std::vector<const CircuitSnapshot*>& circuits) {
  Reason r{why.kind, {}, {}};
  if (why.circuit >= 0) r.circuit = circuits[why.circuit]->id;
  if (why.phase >= 0) r.phase = static_cast<Phase>(why.phase);
  return r;
}

}  // namespace ampgate::policies::detail
