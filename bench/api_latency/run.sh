#!/usr/bin/env bash
# GET /api/v1/site latency under 64 concurrent keep-alive connections, measured with wrk.
# Starts the API test server (the fake site, tests/api/) from the release build, or the
# program given, on a loopback port; runs wrk; prints p50/p99; stops the server by its PID.
#   bench/api_latency/run.sh [SERVER_BINARY] [DURATION_SECONDS]
# Pointing it at a running gateway instead: URL=http://127.0.0.1:8080 bench/api_latency/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${2:-10}
command -v wrk >/dev/null || { echo "wrk is missing (deploy/install-deps.sh installs it)" >&2; exit 1; }

url=${URL:-}
server_pid=
work=$(mktemp -d)
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z $url ]]; then
  server=${1:-$root/build/release/tests/api/api_test_server}
  if [[ ! -x $server ]]; then
    cmake --preset release >/dev/null -S "$root"
    cmake --build --preset release --target api_test_server -j"$(nproc)" >/dev/null
  fi
  "$server" --token-file "$work/token" >"$work/port" 2>"$work/log" &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^port ' "$work/port" && break; sleep 0.05; done
  port=$(awk '/^port /{print $2}' "$work/port")
  [[ -n $port ]] || { echo "the server did not start:" >&2; cat "$work/log" >&2; exit 1; }
  url=http://127.0.0.1:$port
fi

out=$(wrk --latency -t2 -c64 -d"${duration}s" "$url/api/v1/site")
echo "$out"
p50=$(awk '$1=="50%"{print $2}' <<<"$out")
p99=$(awk '$1=="99%"{print $2}' <<<"$out")
rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
echo
echo "GET /api/v1/site, 64 connections, ${duration}s: p50 $p50  p99 $p99  ($rps requests/s)"
