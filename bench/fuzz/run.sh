#!/bin/sh
# Builds the fuzz preset (clang + libFuzzer, ASan/UBSan) and runs each fuzz target of
# tests/fuzz for a given time, one after the other, niced: the machine is shared.
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>) and grows a working
# corpus in build/fuzz/corpus/<target> (kept between runs, never committed). A crash, leak,
# timeout or broken invariant is saved as build/fuzz/findings/<target>/crash-* (copy it to
# tests/fuzz/regressions/<target>/ once understood). Prints one line per target:
# executions, exec/s, coverage (libFuzzer's cov: edges, ft: features), corpus size and
# findings, and keeps the full log in build/fuzz/logs/<target>.log.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"p1_telegram p1_stream homewizard_json registers chargers meters site_yaml api_handlers sim_rtu sim_tcp"}

# AMPGATE_FUZZ_NO_BUILD=1: use the binaries as they are (another build may be running).
if [ -z "${AMPGATE_FUZZ_NO_BUILD:-}" ]; then
  [ -f /etc/profile.d/zz-ccache.sh ] && . /etc/profile.d/zz-ccache.sh
  cmake --preset fuzz >/dev/null
  nice cmake --build build/fuzz -j2 --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) >/dev/null
fi

mkdir -p build/fuzz/logs build/fuzz/corpus build/fuzz/findings
printf '%-16s %10s %8s %7s %7s %7s %s\n' target execs exec/s cov ft corpus findings
for t in $targets; do
  bin=build/fuzz/tests/fuzz/fuzz_$t
  work=build/fuzz/corpus/$t
  found=build/fuzz/findings/$t
  mkdir -p "$work" "$found"
  log=build/fuzz/logs/$t.log
  # -fork would need more cores; one process, restarted on a finding so the time is used.
  end=$(( $(date +%s) + secs ))
  : > "$log"
  while [ "$(date +%s)" -lt "$end" ]; do
    left=$(( end - $(date +%s) ))
    [ "$left" -lt 1 ] && break
    started=$(date +%s)
    nice -n 19 "$bin" -max_total_time="$left" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$found/" "$work" tests/fuzz/corpus/$t >>"$log" 2>&1 || true
    # A finding within seconds of a start (a seed that crashes) would only repeat itself.
    [ $(( $(date +%s) - started )) -lt 5 ] && break
  done
  # Sum the final stats of every (re)start; coverage is the last one's.
  execs=$(awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}' "$log")
  rate=$(( execs / (secs > 0 ? secs : 1) ))
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corpus=$(find "$work" -type f | wc -l)
  findings=$(find "$found" -type f | wc -l)
  printf '%-16s %10s %8s %7s %7s %7s %s\n' "$t" "$execs" "$rate" "${cov:-?}" "${ft:-?}" "$corpus" "$findings"
done
