#!/usr/bin/env bash
# ctest entry for the browser test. Skips (77) only when Chromium is not installed; installs
# playwright-core with `npm ci` from the committed lock file into the build folder (never a
# browser: it drives Debian's /usr/bin/chromium).
#   run_web_test.sh SOURCE_DIR WORK_DIR SERVER_BINARY [AMPGATE_BINARY]
set -euo pipefail
src=$1 work=$2 server=$3 ampgate=${4:-}
chromium=${AMPGATE_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "SKIP: $chromium is not installed (deploy/install-deps.sh installs it)"
  exit 77
fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "FAILED: node/npm missing (deploy/install-deps.sh installs them)"; exit 1; }
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/web_test.mjs" "$work/"
if ! cmp -s "$src/package-lock.json" "$work/node_modules/.ampgate-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$src/package-lock.json" "$work/node_modules/.ampgate-lock"
fi
cd "$work"
exec node web_test.mjs "$server" "$work" "$chromium" ${ampgate:+"$ampgate"}
