#!/usr/bin/env bash
# Installs ampgate's build, test and run dependencies from Debian 12 packages.
# Idempotent: when everything is already there it prints nothing and exits 0.
# Usage: deploy/install-deps.sh [--no-browser]
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libmodbus-dev libasio-dev libsqlite3-dev sqlite3 libcpp-httplib-dev libboost-dev libssl-dev openssl
  nlohmann-json3-dev libyaml-cpp-dev libsystemd-dev libmosquitto-dev mosquitto libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  socat mbpoll wrk file dpkg-dev systemd procps
)
# The web page's browser test drives Debian's Chromium through playwright-core (npm).
if [[ "${1:-}" != "--no-browser" ]]; then
  packages+=(chromium)
  # A machine that already has Node.js from elsewhere keeps it (Debian's npm conflicts with it).
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
