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
  if (load.k > 0) {
    for (int s : {sum(), ext_sum()}) {
      if (s == sum() && skip_sum) continue;
      const double r = slack[s] / load.k;
      if (r < best) best = r, at = s;
    }
  }
  if (binding) *binding = at;
  return best;
}

namespace {
// Largest a with sum over the load's phases of (max(a, floor_p) - floor_p) <= s. Below 0
// nothing fits; the answer is then below the lowest floor by the shortfall per phase.
double sum_room_above(double s, const Load& load, const PerPhase& floor) {
  std::array<double, 3> v{};
  int k = 0;
  for (int p = 0; p < 3; ++p)
    if (load.coef[p]) v[k++] = floor[p];
  if (k == 0) return unlimited;
  std::sort(v.begin(), v.begin() + k);
  if (s < 0) return v[0] + s / k;
  double acc = 0;
  for (int i = 0; i < k; ++i) {
    acc += v[i];
    const double a = (s + acc) / (i + 1);
    if (i == k - 1 || a <= v[i + 1]) return a;
  }
  return unlimited;
}
}  // namespace

double Grid::room_above(int c, const Load& load, const PerPhase& floor, int* binding, bool skip_sum) const {
  double best = unlimited;
  int at = -1;
  for (int n = c; n >= 0; n = parent[n]) {
    for (int p = 0; p < 3; ++p) {
      if (!load.coef[p]) continue;
      const double r = slack[n * 3 + p] + floor[p];
      if (r < best) best = r, at = n * 3 + p;
    }
  }
  for (int s : {sum(), ext_sum()}) {
    if (s == sum() && skip_sum) continue;
    const double r = sum_room_above(slack[s], load, floor);
    if (r < best) best = r, at = s;
  }
  if (binding) *binding = at;
  return best;
}

void Grid::take_above(int c, const Load& load, const PerPhase& floor, double from, double to, bool skip_sum) {
  PerPhase d{};
  for (int p = 0; p < 3; ++p)
    if (load.coef[p]) d[p] = std::max(to, floor[p]) - std::max(from, floor[p]);
  for (int n = c; n >= 0; n = parent[n]) {
    for (int p = 0; p < 3; ++p) {
      slack[n * 3 + p] -= d[p];
      ev_used[n * 3 + p] += d[p];
    }
  }
  for (int s : {sum(), ext_sum()}) {
    if (s == sum() && skip_sum) continue;
    slack[s] -= d[0] + d[1] + d[2];
    ev_used[s] += d[0] + d[1] + d[2];
  }
}

void Grid::take_per_phase(int c, const PerPhase& amps) {
  for (int n = c; n >= 0; n = parent[n])
    for (int p = 0; p < 3; ++p) slack[n * 3 + p] -= amps[p], ev_used[n * 3 + p] += amps[p];
  for (int s : {sum(), ext_sum()}) slack[s] -= amps[0] + amps[1] + amps[2], ev_used[s] += amps[0] + amps[1] + amps[2];
}

void Grid::take(int c, const Load& load, double amps, bool skip_sum) {
  for (int n = c; n >= 0; n = parent[n]) {
    for (int p = 0; p < 3; ++p) {
      if (!load.coef[p]) continue;
      slack[n * 3 + p] -= amps * load.coef[p];
      ev_used[n * 3 + p] += amps * load.coef[p];
    }
  }
  for (int s : {sum(), ext_sum()}) {
    if (s == sum() && skip_sum) continue;
    slack[s] -= amps * load.k;
    ev_used[s] += amps * load.k;
  }
}

Why Grid::reason_for(int limit) const {
  if (limit < 0) return {ReasonKind::charger_max};
  if (limit == sum()) return {ReasonKind::sum_limit, -1, 0};
  if (limit == ext_sum()) return {ReasonKind::external_limit, -1, 0};
  const int circuit = limit / 3;
  const auto phase = static_cast<std::int8_t>(limit % 3);
  switch (kind[limit]) {
    case LimitKind::meter_stale: return {ReasonKind::meter_stale, -1, circuit};
    case LimitKind::external: return {ReasonKind::external_limit, phase, circuit};
    default: return {ReasonKind::fuse, phase, circuit};
  }
}

Why Grid::limit_reason(int limit, bool priority_mode) const {
  Why why = reason_for(limit);
  if (priority_mode && limit >= 0 && ev_used[limit] > eps) why.kind = ReasonKind::priority;
  return why;
}

Reason to_reason(const Why& why, const std::vector<const CircuitSnapshot*>& circuits) {
  Reason r{why.kind, {}, {}};
  if (why.circuit >= 0) r.circuit = circuits[why.circuit]->id;
  if (why.phase >= 0) r.phase = static_cast<Phase>(why.phase);
  return r;
}

}  // namespace ampgate::policies::detail
