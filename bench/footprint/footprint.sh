#!/usr/bin/env bash
# bench/footprint/footprint.sh [--seconds N] [--no-arm]
#
# How big ampgate is on a gateway's flash and in its RAM:
#   * the stripped size of the x86-64 release binary (RelWithDebInfo, -O2; a stripped copy, the build keeps its
#     debug info) and, when deploy/cross-build.sh arm64 has run or can run, of the arm64 one;
#   * the resident memory (VmRSS now, VmHWM = peak) of `ampgate run` controlling the
#     20-charger example (examples/fleet-20-teltocharge.yaml) against `ampgate simulate`,
#     read from /proc after N seconds (default 30);
#   * the same for the arm64 binary run under qemu-user (qemu-aarch64 -L ...), when
#     qemu-user is there or can be installed. That figure is the qemu process: it includes
#     the emulator's own memory (translation cache, its heap), so it is an upper bound for
#     the daemon on a real ARM box. The script prints the guest's own file mappings apart,
#     and estimates the emulator's share by running the x86-64 binary under qemu-x86_64.
#
# Needs the `release` preset (built here if missing: target ampgate only). Every process it
# starts is stopped by its PID; temporary files go to a private directory removed at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

seconds=30
arm=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --no-arm) arm=0; shift ;;
    *) echo "usage: bench/footprint/footprint.sh [--seconds N] [--no-arm]" >&2; exit 2 ;;
  esac
done

site_example=$root/examples/fleet-20-teltocharge.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/ampgate-footprint-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    # Bounded: the daemon writes failsafe currents on SIGTERM, then exits.
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
  rm -rf "$work"
}
trap cleanup EXIT

human() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

# --- x86-64 release binary ---------------------------------------------------------------
echo "footprint: building the release binary (cmake --preset release, target ampgate)" >&2
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target ampgate >/dev/null
x86_bin=$root/build/release/ampgate
cp "$x86_bin" "$work/ampgate-x86_64"
strip "$work/ampgate-x86_64"
x86_size=$(stat -c %s "$work/ampgate-x86_64")

# measure LABEL BINARY COMMAND...: runs the daemon (COMMAND up to, not including, `run ...`)
# against a fresh simulator for $seconds seconds and sets m_rss and m_hwm (kB) and m_files
# (kB resident from BINARY's file and the aarch64 libraries). The simulator is always the
# x86-64 release binary: it only stands in for the RS485 line.
measure() {
  local label=$1 bin=$2; shift 2
  local dir=$work/$label
  mkdir -p "$dir"
  "$x86_bin" simulate "$site_example" --write-site "$dir/site.yaml" --tcp-ephemeral >"$dir/simulate.log" 2>&1 &
  local sim=$!
  pids+=("$sim")
  for _ in $(seq 200); do [[ -f $dir/site.yaml ]] && break; kill -0 "$sim" 2>/dev/null || break; sleep 0.1; done
  if [[ ! -f $dir/site.yaml ]]; then
    echo "footprint: the simulator wrote no site file:" >&2
    cat "$dir/simulate.log" >&2
    return 1
  fi
  "$@" run --config "$dir/site.yaml" --db "$dir/ampgate.db" >"$dir/daemon.log" 2>&1 &
  local daemon=$!
  pids+=("$daemon")
  sleep "$seconds"  # the measurement window itself, not a wait for a race
  if ! kill -0 "$daemon" 2>/dev/null; then
    echo "footprint: the $label daemon exited early:" >&2
    cat "$dir/daemon.log" >&2
    return 1
  fi
  if ! grep -q "site under control" "$dir/daemon.log"; then
    echo "footprint: the $label daemon never brought the site under control:" >&2
    tail -20 "$dir/daemon.log" >&2
    return 1
  fi
  m_rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$daemon/status")
  m_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$daemon/status")
  # Resident pages of files under the guest's library trees and the binary itself: under
  # qemu-user this is the part of the RSS that belongs to the guest program's code.
  m_files=$(awk -v bin="$bin" '
    /^[0-9a-f]+-[0-9a-f]+ / { path = $6 }
    /^Rss:/ { if (path == bin || (index(path, "aarch64") && path !~ /qemu/)) sum += $2 }
    END { print sum + 0 }' "/proc/$daemon/smaps" 2>/dev/null || echo 0)
  kill -TERM "$daemon" "$sim"
  for p in "$daemon" "$sim"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}

echo "footprint: running the 20-charger example natively for ${seconds}s" >&2
measure x86_64 "$x86_bin" "$x86_bin"
x86_rss=$m_rss x86_hwm=$m_hwm

chargers=$(grep -c "model: teltocharge" "$site_example")
echo
echo "ampgate footprint ($(git rev-parse --short HEAD 2>/dev/null || echo unknown), $chargers chargers, ${seconds}s against the simulator)"
printf "  %-34s %s (%s bytes)\n" "x86-64 stripped binary (-O2):" "$(human "$x86_size")" "$x86_size"
printf "  %-34s VmRSS %s kB, VmHWM %s kB\n" "x86-64 daemon resident memory:" "$x86_rss" "$x86_hwm"

# --- arm64 ---------------------------------------------------------------------------------
[[ $arm -eq 1 ]] || exit 0
arm_dir=$root/build/cross-arm64
if [[ ! -x $arm_dir/ampgate ]]; then
  echo "footprint: building the arm64 binary (deploy/cross-build.sh arm64)" >&2
  if ! deploy/cross-build.sh arm64 >"$work/cross.log" 2>&1; then
    echo "  arm64: skipped: deploy/cross-build.sh arm64 failed (see below)"
    tail -20 "$work/cross.log"
    exit 0
  fi
fi
cp "$arm_dir/ampgate" "$work/ampgate-arm64"
aarch64-linux-gnu-strip "$work/ampgate-arm64"
arm_size=$(stat -c %s "$work/ampgate-arm64")
printf "  %-34s %s (%s bytes)\n" "arm64 stripped binary (-Os):" "$(human "$arm_size")" "$arm_size"

if ! command -v qemu-aarch64 >/dev/null; then
  echo "footprint: installing qemu-user to run the arm64 binary" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  if ! DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends qemu-user \
      >"$work/qemu-install.log" 2>&1; then
    echo "  arm64 daemon resident memory:     skipped: qemu-user is not installed and could not be installed"
    tail -5 "$work/qemu-install.log"
    exit 0
  fi
fi
# The guest's C and C++ runtime come from the cross toolchain, the rest from the sysroot that
# deploy/cross-build.sh unpacked; qemu looks up the guest's absolute paths under -L first.
sysroot=$arm_dir/sysroot
guest_libs=$sysroot/usr/lib/aarch64-linux-gnu:$sysroot/lib/aarch64-linux-gnu
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$guest_libs")
if ! "${qemu[@]}" "$arm_dir/ampgate" --version >"$work/arm-version.txt" 2>&1; then
  echo "  arm64 daemon resident memory:     skipped: qemu-aarch64 cannot run the binary:"
  cat "$work/arm-version.txt"
  exit 0
fi
echo "footprint: running the 20-charger example as arm64 under qemu-user for ${seconds}s" >&2
measure arm64 "$arm_dir/ampgate" "${qemu[@]}" "$arm_dir/ampgate"
arm_rss=$m_rss
printf "  %-34s VmRSS %s kB, VmHWM %s kB (the qemu process; the guest's binary and libraries: %s kB of it)\n" \
  "arm64 daemon under qemu-user:" "$m_rss" "$m_hwm" "$m_files"
# The emulator's own share, measured the same way: the x86-64 binary under qemu-x86_64
# (same qemu-user package, same translation machinery) minus its native figure.
if command -v qemu-x86_64 >/dev/null; then
  echo "footprint: running the x86-64 binary under qemu-x86_64 for ${seconds}s (the emulator's share)" >&2
  measure x86_64-qemu "$x86_bin" qemu-x86_64 "$x86_bin"
  overhead=$((m_rss - x86_rss))
  printf "  %-34s VmRSS %s kB, so qemu itself adds about %s kB\n" "x86-64 daemon under qemu-user:" "$m_rss" "$overhead"
  printf "  %-34s about %s kB (arm64 under qemu minus the emulator's share)\n" "arm64 daemon, estimated native:" \
    "$((arm_rss - overhead))"
fi
