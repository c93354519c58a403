#!/usr/bin/env bash
# The README's two commands, each doing all of its own set-up on a fresh Debian 12 machine.
#   deploy/dev.sh demo   build, then run the gateway against the built-in simulated site
#   deploy/dev.sh test   build under AddressSanitizer/UBSan and run every test (ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
  demo)
    deploy/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release -j"$jobs" --target ampgate
    shift
    exec build/release/ampgate demo "$@"
    ;;
  test)
    deploy/install-deps.sh
    cmake --preset asan >/dev/null
    cmake --build --preset asan -j"$jobs"
    exec ctest --preset asan -j"$jobs"
    ;;
  *)
    echo "usage: deploy/dev.sh demo|test" >&2
    exit 2
    ;;
esac
