#!/usr/bin/env python3
"""Reaction time of `ampgate run` to a step of household load, and its CPU and memory.

Runs the real programs: `ampgate simulate SITE` (20 TeltoCharge units and the mains meter on
one RS485 pty with wire timing, so the bus costs what a real 38400 baud line costs) and
`ampgate run` against the site file the simulator writes. A car is plugged into every
charger; the household load at the mains then steps up and down several times.

Reaction = from the moment the simulated load steps up to the moment every charger's
effective limit (what the charger allows the car, GET /state) is at the value it then keeps.
It is measured on the simulator's clock from /state samples taken every few milliseconds.

CPU = user + system time of the gateway over a steady minute (20 cars charging), from
/proc/PID/stat. Memory = peak resident set (VmHWM in /proc/PID/status) at the end.

    bench/reaction/reaction.py [--ampgate build/release/ampgate]
                               [--site examples/fleet-20-teltocharge.yaml]
                               [--runs 7] [--cpu-seconds 60]

Only the Python standard library; loopback only; every process it starts is stopped by
its PID.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

LOW, HIGH = 5.0, 40.0  # household amps per phase before and after a step
FIRST_STEP, STEP_EVERY, HOLD = 20.0, 20.0, 10.0  # s: first step, period of steps, time held high


def step_time(k, period):
    """The k-th step up. Steps land at different points of the control period (golden-ratio
    spread): a step just after a poll waits almost a period longer than one just before it,
    and the median must cover both."""
    return round(FIRST_STEP + k * STEP_EVERY + ((k * 0.618034) % 1.0) * period, 3)


def scenario(chargers, runs, period):
    """Cars everywhere from 2 s; the household steps LOW -> HIGH -> LOW `runs` times."""
    points = [(0.0, LOW)]
    for k in range(runs):
        up = step_time(k, period)
        points += [(up, HIGH), (up + HOLD, LOW)]
    lines = ["# written by bench/reaction/reaction.py", "time_scale: 1", "tick_ms: 10",
             "wire_timing: true", "turnaround_ms: 5", "household:", "  interpolation: step", "  profile:"]
    lines += [f"    - {{time: {t}, L1: {a}, L2: {a}, L3: {a}}}" for t, a in points]
    lines.append("evs:")
    # One-phase cars: the rotated phase maps spread them over the three site phases.
    lines += [f"  - {{charger: {c}, plug_in: 2, phases: 1, max_current: 16}}" for c in chargers]
    return "\n".join(lines) + "\n"


def charger_ids(site_path):
    ids = []
    with open(site_path) as f:
        for line in f:
            m = re.search(r"\{\s*id:\s*([A-Za-z0-9_.-]+),\s*model:", line)
            if m:
                ids.append(m.group(1))
    return ids


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return json.load(r)


def wait_for(what, limit, check, step=0.05):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = check()
        if v:
            return v
        time.sleep(step)
    raise SystemExit(f"timed out waiting for {what}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reaction(samples, step_at):
    """First sample time after `step_at` from which every limit equals its final value."""
    after = [(t, lim) for t, lim in samples if t >= step_at]
    if not after:
        return None
    final = after[-1][1]
    settled = None
    for t, lim in after:
        if lim == final:
            if settled is None:
                settled = t
        else:
            settled = None
    return None if settled is None else settled - step_at


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ampgate", default=os.path.join(ROOT, "build/release/ampgate"))
    ap.add_argument("--site", default=os.path.join(ROOT, "examples/fleet-20-teltocharge.yaml"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cpu-seconds", type=float, default=60.0)
    args = ap.parse_args()
    if not os.access(args.ampgate, os.X_OK):
        sys.exit(f"{args.ampgate}: not found; build it first: cmake --preset release && "
                 "cmake --build --preset release --target ampgate")

    chargers = charger_ids(args.site)
    with open(args.site) as f:
        m = re.search(r"^\s*control_period:\s*([0-9.]+)", f.read(), re.M)
    period = float(m.group(1)) if m else 1.0  # the default control period
    work = tempfile.mkdtemp(prefix="ampgate-bench-")
    scn = os.path.join(work, "scenario.yaml")
    with open(scn, "w") as f:
        f.write(scenario(chargers, args.runs, period))
    site_out = os.path.join(work, "sim-site.yaml")
    children = []

    def start(cmd, name):
        out = open(os.path.join(work, name + ".out"), "w")
        err = open(os.path.join(work, name + ".err"), "w")
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        children.append(p)
        return p

    try:
        sim = start([args.ampgate, "simulate", args.site, "--scenario", scn, "--write-site", site_out,
                     "--fuse-log-port", "0"], "sim")
        sim_out = os.path.join(work, "sim.out")

        def sim_port():
            text = open(sim_out).read()
            m = re.search(r"fuse log: http://127\.0\.0\.1:(\d+)/", text)
            return int(m.group(1)) if m and "simulating" in text else None

        port = wait_for("the simulator", 30, sim_port)
        gw = start([args.ampgate, "run", "--config", site_out, "--db", os.path.join(work, "ampgate.db")], "gateway")
        print(f"site {os.path.basename(args.site)}: {len(chargers)} chargers, control period {period} s, "
              f"household step {LOW:g} -> {HIGH:g} A per phase, {args.runs} steps")

        times = []
        for k in range(args.runs):
            step_at = step_time(k, period)
            samples = []
            # Sample from just before the step until just before the load goes back down.
            wait_for(f"simulated time {step_at - 1}", step_at + 30, lambda: get(port, "/state")["time"] >= step_at - 1)
            while True:
                s = get(port, "/state")
                t = s["time"]
                samples.append((t, tuple(s["chargers"][c]["effective_limit"] for c in chargers)))
                if t >= step_at + HOLD - 0.5:
                    break
                time.sleep(0.005)
            r = reaction(samples, step_at)
            if r is None:
                print(f"  step {k + 1}: no settled state")
                continue
            before = sum(samples[0][1])
            after = sum(samples[-1][1])
            times.append(r)
            print(f"  step {k + 1}: {r * 1000:6.0f} ms   (sum of limits {before:g} -> {after:g} A)")
        if times:
            target = 2 * period
            print(f"reaction: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
                  f"max {max(times) * 1000:.0f} ms over {len(times)} steps "
                  f"(target: {target * 1000:.0f} ms + one bus cycle)")

        # Steady state: the load is back low; 20 cars charging.
        c0, t0 = cpu_seconds(gw.pid), time.monotonic()
        time.sleep(args.cpu_seconds)
        c1, t1 = cpu_seconds(gw.pid), time.monotonic()
        used = c1 - c0
        print(f"gateway CPU: {used:.2f} s user+sys over {t1 - t0:.0f} s = {100 * used / (t1 - t0):.2f} % of one core")
        print(f"gateway memory: peak RSS (VmHWM) {status_kib(gw.pid, 'VmHWM') / 1024:.1f} MiB, "
              f"now {status_kib(gw.pid, 'VmRSS') / 1024:.1f} MiB")
        fuse = get(port, "/fuse-log")
        over = max(v["seconds_over"] for c in fuse["circuits"] for v in c["phases"].values())
        # The step (35 A) is far larger than the example's 3 A safety margin, on purpose: the
        # fuse is over until the gateway has reacted, so this figure follows the reaction time.
        print(f"fuse log: {'exceeded, ' + format(over, '.2f') + ' s over in total' if fuse['exceeded'] else 'no limit exceeded'}"
              f" (a {HIGH - LOW:g} A step is larger than the safety margin: over until the gateway reacts)")
        gw.send_signal(signal.SIGTERM)
        gw.wait(timeout=10)
    finally:
        for p in children:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    print(f"(files in {work})")


if __name__ == "__main__":
    main()
