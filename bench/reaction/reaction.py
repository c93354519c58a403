#!/usr/bin/env python3
"""Reaction time of `ampgate run` to a step of household load, and its CPU and memory.

Runs the real programs: `ampgate simulate SITE` (20 TeltoCharge units and the mains meter on
one RS485 pty with wire timing, so the bus costs what a real line costs) and `ampgate run`
against the site file the simulator writes. The site is copied with the bench's baud rate,
safety margin and control period (issue 12: 9600 baud, margin 0, 1 s). A one-phase car is
plugged into every charger; the household load at the mains then steps up and down.

Figures, all on the simulator's clock from /state samples taken every few milliseconds:
  step -> command      from the step up to the first charger whose offer went down;
  step -> under fuse   from the step up until no mains phase is above the fuse;
  settled              until every offer is at the value it then keeps;
  over beyond lag      simulated seconds over the fuse per step (fuse log), less the cars' lag;
  ramp overshoot       the highest mains phase above the fuse while the load is low and the
                       cars ramp back up (and the fuse-log seconds over in those windows).
With --car-lag / --meter-refresh the scenario asks the simulator for lagging cars and a
meter refresh interval (scenario keys car_lag, meter_refresh); 0 leaves the key out, for a
simulator without them.

CPU = user + system time of the gateway over a steady minute (20 cars charging), from
/proc/PID/stat. Memory = peak resident set (VmHWM in /proc/PID/status) at the end.

    bench/reaction/reaction.py [--ampgate build/release/ampgate]
                               [--site examples/fleet-20-teltocharge.yaml]
                               [--baud 9600] [--margin 0] [--period 1]
                               [--car-lag 2] [--meter-refresh 0.5]
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


def scenario(chargers, runs, period, car_lag, meter_refresh, meter_id):
    """Cars everywhere from 2 s; the household steps LOW -> HIGH -> LOW `runs` times."""
    points = [(0.0, LOW)]
    for k in range(runs):
        up = step_time(k, period)
        points += [(up, HIGH), (up + HOLD, LOW)]
    lines = ["# written by bench/reaction/reaction.py", "time_scale: 1", "tick_ms: 10",
             "wire_timing: true", "turnaround_ms: 5"]
    if car_lag > 0:
        lines.append(f"car_lag: {car_lag}")
    if meter_refresh > 0:
        lines += ["meter_refresh:", f"  {meter_id}: {meter_refresh}"]
    lines += ["household:", "  interpolation: step", "  profile:"]
    lines += [f"    - {{time: {t}, L1: {a}, L2: {a}, L3: {a}}}" for t, a in points]
    lines.append("evs:")
    # One-phase cars: the rotated phase maps spread them over the three site phases.
    lines += [f"  - {{charger: {c}, plug_in: 2, phases: 1, max_current: 16}}" for c in chargers]
    return "\n".join(lines) + "\n"


def bench_site(site_path, out_path, baud, margin, period):
    """A copy of the site with the bench's baud rate, safety margin and control period."""
    text = open(site_path).read()
    text = re.sub(r"^(\s*baud:\s*)\d+", lambda m: m.group(1) + str(baud), text, flags=re.M)
    text = re.sub(r"^(\s*safety_margin:\s*)[0-9.]+", lambda m: m.group(1) + f"{margin:g}", text, flags=re.M)
    text = re.sub(r"^(\s*control_period:\s*)[0-9.]+", lambda m: m.group(1) + f"{period:g}", text, flags=re.M)
    with open(out_path, "w") as f:
        f.write(text)
    fuse = float(re.search(r"^\s*mains_fuse:\s*([0-9.]+)", text, re.M).group(1))
    meter = re.search(r"^\s*mains_meter:\s*([A-Za-z0-9_.-]+)", text, re.M).group(1)
    return fuse, meter


def pct(values, q):
    """The q-th percentile (0..100) by nearest rank; None for no values."""
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q / 100 * len(v) + 0.5)) - 1))]


def fmt_ms(v):
    return "   n/a" if v is None else f"{v * 1000:6.0f}"


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
    ap.add_argument("--baud", type=int, default=9600)
    ap.add_argument("--margin", type=float, default=0.0)
    ap.add_argument("--period", type=float, default=1.0)
    ap.add_argument("--car-lag", type=float, default=2.0)
    ap.add_argument("--meter-refresh", type=float, default=0.5)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cpu-seconds", type=float, default=60.0)
    args = ap.parse_args()
    if not os.access(args.ampgate, os.X_OK):
        sys.exit(f"{args.ampgate}: not found; build it first: cmake --preset release && "
                 "cmake --build --preset release --target ampgate")

    chargers = charger_ids(args.site)
    period = args.period
    work = tempfile.mkdtemp(prefix="ampgate-bench-")
    site = os.path.join(work, "site.yaml")
    fuse, meter_id = bench_site(args.site, site, args.baud, args.margin, period)
    scn = os.path.join(work, "scenario.yaml")
    with open(scn, "w") as f:
        f.write(scenario(chargers, args.runs, period, args.car_lag, args.meter_refresh, meter_id))
    site_out = os.path.join(work, "sim-site.yaml")
    children = []

    def start(cmd, name):
        out = open(os.path.join(work, name + ".out"), "w")
        err = open(os.path.join(work, name + ".err"), "w")
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        children.append(p)
        return p

    try:
        sim = start([args.ampgate, "simulate", site, "--scenario", scn, "--write-site", site_out,
                     "--fuse-log-port", "0"], "sim")
        sim_out = os.path.join(work, "sim.out")

        def sim_port():
            if sim.poll() is not None:
                raise SystemExit("the simulator exited: " + open(os.path.join(work, "sim.err")).read()[-2000:] +
                                 "\n(a simulator without car_lag/meter_refresh: --car-lag 0 --meter-refresh 0)")
            text = open(sim_out).read()
            m = re.search(r"fuse log: http://127\.0\.0\.1:(\d+)/", text)
            return int(m.group(1)) if m and "simulating" in text else None

        port = wait_for("the simulator", 30, sim_port)
        gw = start([args.ampgate, "run", "--config", site_out, "--db", os.path.join(work, "ampgate.db")], "gateway")
        print(f"site {os.path.basename(args.site)}: {len(chargers)} chargers, {args.baud} baud, margin {args.margin:g} A, "
              f"control period {period:g} s, car lag {args.car_lag:g} s, meter refresh {args.meter_refresh:g} s, "
              f"household step {LOW:g} -> {HIGH:g} A per phase, {args.runs} steps")

        def over_total():
            log = get(port, "/fuse-log")
            return max(v["seconds_over"] for c in log["circuits"] for v in c["phases"].values())

        to_command, to_under, settled_times, beyond, ramp_peak, ramp_over = [], [], [], [], 0.0, 0.0
        for k in range(args.runs):
            step_at = step_time(k, period)
            samples = []
            # Sample from just before the step until just before the load goes back down.
            wait_for(f"simulated time {step_at - 1}", step_at + 60, lambda: get(port, "/state")["time"] >= step_at - 1)
            over_at_start = over_total()
            while True:
                s = get(port, "/state")
                t = s["time"]
                samples.append((t, tuple(s["chargers"][c]["effective_limit"] for c in chargers),
                                max(s["circuits"]["mains"])))
                if t >= step_at + HOLD - 0.5:
                    break
                time.sleep(0.005)
            over_step = over_total() - over_at_start
            before = [x for x in samples if x[0] < step_at]
            after = [x for x in samples if x[0] >= step_at]
            base = before[-1][1] if before else after[0][1]
            cmd = next((t - step_at for t, lim, _ in after if any(a < b for a, b in zip(lim, base))), None)
            under = next((t - step_at for t, _, mains in after if mains <= fuse + 1e-6), None)
            r = reaction([(t, lim) for t, lim, _ in samples], step_at)
            if cmd is not None:
                to_command.append(cmd)
            if under is not None:
                to_under.append(under)
            if r is not None:
                settled_times.append(r)
            beyond.append(max(0.0, over_step - args.car_lag))
            print(f"  step {k + 1}: command {fmt_ms(cmd)} ms, under the fuse {fmt_ms(under)} ms, settled {fmt_ms(r)} ms, "
                  f"over {over_step:5.2f} s (sum of limits {sum(base):g} -> {sum(after[-1][1]):g} A)")
            # The low-load window after this step: cars ramp back up; nothing may go over.
            ramp_from = over_total()
            next_up = step_time(k + 1, period) if k + 1 < args.runs else step_at + STEP_EVERY
            end = time.monotonic() + STEP_EVERY + 30
            while time.monotonic() < end:
                s = get(port, "/state")
                if s["time"] >= step_at + HOLD + 0.5:  # the first half second is the step down itself
                    ramp_peak = max(ramp_peak, max(s["circuits"]["mains"]) - fuse)
                if s["time"] >= next_up - 1.5:
                    break
                time.sleep(0.02)
            ramp_over += over_total() - ramp_from

        print(f"step -> command:    p50 {fmt_ms(pct(to_command, 50))} ms, p95 {fmt_ms(pct(to_command, 95))} ms "
              f"over {len(to_command)} steps (target <= 500 / 1000 ms)")
        print(f"step -> under fuse: p50 {fmt_ms(pct(to_under, 50))} ms, p95 {fmt_ms(pct(to_under, 95))} ms")
        print(f"step -> settled:    p50 {fmt_ms(pct(settled_times, 50))} ms, p95 {fmt_ms(pct(settled_times, 95))} ms")
        print(f"over the fuse beyond the cars' lag ({args.car_lag:g} s): total {sum(beyond):.2f} s, "
              f"worst step {max(beyond) if beyond else 0:.2f} s")
        print(f"while ramping (low load): highest mains phase {ramp_peak:+.1f} A against the fuse, "
              f"{ramp_over:.2f} s over")

        # Steady state: the load is back low; 20 cars charging.
        c0, t0 = cpu_seconds(gw.pid), time.monotonic()
        time.sleep(args.cpu_seconds)
        c1, t1 = cpu_seconds(gw.pid), time.monotonic()
        used = c1 - c0
        print(f"gateway CPU: {used:.2f} s user+sys over {t1 - t0:.0f} s = {100 * used / (t1 - t0):.2f} % of one core")
        print(f"gateway memory: peak RSS (VmHWM) {status_kib(gw.pid, 'VmHWM') / 1024:.1f} MiB, "
              f"now {status_kib(gw.pid, 'VmRSS') / 1024:.1f} MiB")
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
