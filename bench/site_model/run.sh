#!/bin/sh
# A long site-model run over a seed range (release build):
#   bench/site_model/run.sh [FIRST] [COUNT] [MIN_SECONDS] [MAX_SECONDS]
# defaults: 1, 200000 sequences of 10..60 s of world time. Failing cases, shrunk, go to
# build/release/site_model_cases/.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
bin="$here/build/release/bench/site_model/bench_site_model"
[ -x "$bin" ] || { echo "build it first: cmake --build build/release --target bench_site_model" >&2; exit 2; }
out="$here/build/release/site_model_cases"
mkdir -p "$out"
exec "$bin" "${1:-1}" "${2:-200000}" "${3:-10}" "${4:-60}" --cases "$out"
