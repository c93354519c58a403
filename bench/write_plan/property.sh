#!/bin/sh
# The write plan's prefix property over many more generated sites than the suite runs.
#   bench/write_plan/property.sh [BUILD_DIR] [RUNS]     (default build/release, 1 000 000)
set -eu
build=${1:-build/release}
runs=${2:-1000000}
AMPGATE_PLAN_RUNS=$runs "$build/tests/daemon_rules/daemon_rule_tests" \
  --gtest_filter='WritePlanProperty.*'
