#!/usr/bin/env python3
"""Soak: the real daemon against the simulator for one simulated day, time-scaled, with
every fault kind of the simulator (silent, bad_crc, slow, exception, reboot) on meters and
chargers, RS485 and TCP. Samples the daemon's RSS, open file descriptors
(/proc/PID/fd), database size (with its WAL) and CPU at a fixed interval and prints a
table and a summary (growth first sample to last, after a warm-up).

    bench/soak/run.py [--minutes 10] [--interval 30] [--binary build/release/ampgate]

The daemon's clock is real: retention (1 day in the soak site) cannot expire within a
run, so the summary gives database bytes per real hour and what one retention period
holds at that rate. Targets (issue 18): flat RSS and fd count, no growth beyond retention.
Both processes are niced, started by this script and stopped by their PIDs.
"""
import argparse
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DAY = 86400


def scenario(time_scale):
    """A day in simulated seconds: household curve, solar, cars coming and going on every
    charger, and each fault kind twice (on a meter or RS485 charger, and on a TCP one)."""
    h = 3600
    lines = [
        f"time_scale: {time_scale:.3f}",
        "tick_ms: 100",
        "seed: 7",
        "household:",
        "  profile:",
    ]
    for t, a in [(0, 2), (6, 3), (8, 6), (12, 4), (18, 10), (21, 6), (24, 2)]:
        lines.append(f"    - {{time: {t * h}, L1: {a}, L2: {a * 0.7:.1f}, L3: {a * 0.5:.1f}}}")
    lines += ["solar:", "  profile:"]
    for t, a in [(0, 0), (7, 0), (13, 12), (19, 0), (24, 0)]:
        lines.append(f"    - {{time: {t * h}, L1: {a}, L2: {a}, L3: {a}}}")
    lines.append("evs:")
    for charger, starts in [("bay-1", (1, 9, 17)), ("bay-2", (2, 12, 19)), ("keba", (0.5, 8, 18)),
                            ("vestel", (3, 14, 20))]:
        for s in starts:
            lines.append(f"  - {{charger: {charger}, plug_in: {int(s * h)}, plug_out: {int((s + 3) * h)}, "
                         f"max_current: 32, energy_wanted: 20}}")
    faults = [
        ("grid", "silent", 2, 2.2, ""), ("keba", "silent", 10, 10.3, ""),
        ("bay-1", "bad_crc", 4, 5, ", probability: 0.3"), ("vestel", "bad_crc", 15, 16, ", probability: 0.5"),
        ("garage-meter", "slow", 6, 7, ", delay_ms: 400"), ("keba", "slow", 13, 14, ", delay_ms: 700"),
        ("bay-2", "exception", 8, 8.5, ", code: 4"), ("vestel", "exception", 11, 11.5, ", code: 6"),
        ("bay-1", "reboot", 12, 12.01, ""), ("keba", "reboot", 20, 20.01, ""),
    ]
    lines.append("faults:")
    for device, kind, a, b, extra in faults:
        lines.append(f"  - {{device: {device}, kind: {kind}, from: {int(a * h)}, to: {int(b * h)}{extra}}}")
    return "\n".join(lines) + "\n"


def proc_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu_ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return rss, fds, cpu_ticks


def file_bytes(path):
    path = pathlib.Path(path)
    return path.stat().st_size if path.exists() else 0


def fuse_state(url):
    """Seconds over the limit so far (worst phase, any circuit) and the circuit, from the
    simulator's fuse log; (nan, '') when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            log = json.load(r)
    except (OSError, ValueError):
        return float("nan"), ""
    worst, where = 0.0, ""
    for c in log["circuits"]:
        for phase, v in c["phases"].items():
            if v["seconds_over"] > worst:
                worst, where = v["seconds_over"], f"{c['circuit']} {phase} peak {v['peak']:.1f}/{c['limit']:g} A"
    return worst, where


def stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--interval", type=float, default=30)
    ap.add_argument("--binary", default=str(ROOT / "build/release/ampgate"))
    args = ap.parse_args()
    binary = pathlib.Path(args.binary).resolve()
    work = pathlib.Path(tempfile.mkdtemp(prefix="ampgate-soak-"))
    time_scale = DAY / (args.minutes * 60)
    (work / "scenario.yaml").write_text(scenario(time_scale))
    site = (HERE / "site.yaml").read_text()
    (work / "site.yaml").write_text(site)
    run_site = work / "run.yaml"
    clk = os.sysconf("SC_CLK_TCK")
    # With a sanitizer build, a small quarantine keeps freed memory from looking like growth.
    os.environ.setdefault("ASAN_OPTIONS", "quarantine_size_mb=8:detect_leaks=1")

    sim = subprocess.Popen(["nice", "-n", "10", str(binary), "simulate", "site.yaml", "--scenario", "scenario.yaml",
                            "--write-site", str(run_site), "--tcp-ephemeral", "--fuse-log", "fuse-log.json",
                            "--fuse-log-port", "0"],
                           cwd=work, stdout=open(work / "sim.out", "w"), stderr=subprocess.STDOUT)
    daemon = None
    try:
        for _ in range(300):  # the simulator writes the site once everything listens
            if run_site.exists() or sim.poll() is not None:
                break
            time.sleep(0.1)
        if not run_site.exists():
            sys.exit(f"the simulator did not start; see {work}/sim.out")
        fuse_url = next((l.split("fuse log: ", 1)[1].strip() for l in (work / "sim.out").read_text().splitlines()
                         if l.startswith("fuse log: http")), None)
        daemon = subprocess.Popen(["nice", "-n", "10", str(binary), "run", "--config", str(run_site),
                                   "--db", str(work / "soak.db"), "--log-level", "warning"],
                                  cwd=work, stdout=open(work / "daemon.out", "w"), stderr=subprocess.STDOUT)
        rows = []
        start = time.monotonic()
        end = start + args.minutes * 60
        last_ticks, last_t = None, None
        n = 0
        while True:
            now = time.monotonic()
            if daemon.poll() is not None:
                print(f"the daemon exited with {daemon.returncode}; see {work}/daemon.out")
                break
            if sim.poll() is not None:
                print(f"the simulator exited with {sim.returncode}; see {work}/sim.out")
                break
            rss, fds, ticks = proc_sample(daemon.pid)
            srss, sfds, _ = proc_sample(sim.pid)
            cpu = 100.0 * (ticks - last_ticks) / clk / (now - last_t) if last_ticks is not None else float("nan")
            last_ticks, last_t = ticks, now
            over, where = fuse_state(fuse_url) if fuse_url else (float("nan"), "")
            db = work / "soak.db"
            rows.append((now - start, (now - start) * time_scale, rss, fds, file_bytes(db), file_bytes(str(db) + "-wal"),
                         cpu, srss, sfds, over, where))
            if now >= end:
                break
            n += 1
            time.sleep(max(0.0, min(start + n * args.interval, end) - time.monotonic()))
    finally:
        if daemon:
            stop(daemon)
        stop(sim)

    print(f"soak: {args.minutes:g} real minutes = 24 simulated hours (time_scale {time_scale:.1f}), binary {binary}")
    print(f"{'real s':>7} {'sim h':>6} {'RSS KiB':>8} {'fds':>4} {'db KiB':>7} {'wal KiB':>7} {'CPU %':>6} "
          f"{'sim RSS':>8} {'sim fds':>7} {'over s':>7}  worst circuit")
    for r in rows:
        print(f"{r[0]:7.0f} {r[1] / 3600:6.2f} {r[2]:8d} {r[3]:4d} {r[4] / 1024:7.1f} {r[5] / 1024:7.1f} {r[6]:6.1f} "
              f"{r[7]:8d} {r[8]:7d} {r[9]:7.1f}  {r[10]}")
    if len(rows) >= 3:
        warm = rows[min(2, len(rows) - 1)]  # after start-up (migrations, first sessions)
        last = rows[-1]
        hours = (last[0] - warm[0]) / 3600
        db_rate = (last[4] + last[5] - warm[4] - warm[5]) / hours if hours > 0 else float("nan")
        cpus = [r[6] for r in rows[1:]]
        print(f"after warm-up ({warm[0]:.0f} s): RSS {warm[2]} -> {last[2]} KiB ({last[2] - warm[2]:+d}), "
              f"fds {warm[3]} -> {last[3]} ({last[3] - warm[3]:+d}), "
              f"database + WAL {(warm[4] + warm[5]) / 1024:.0f} -> {(last[4] + last[5]) / 1024:.0f} KiB "
              f"({db_rate / 1024:.0f} KiB per real hour, {db_rate * 24 / 1024 / 1024:.1f} MiB per retention day), "
              f"CPU mean {sum(cpus) / len(cpus):.1f} % max {max(cpus):.1f} %")
    print(f"daemon exit: {daemon.returncode if daemon else 'not started'}, simulator exit: {sim.returncode}; "
          f"fuse log: {work}/fuse-log.json")
    fuse = work / "fuse-log.json"
    if fuse.exists():
        log = json.loads(fuse.read_text())
        print(f"fuse log: exceeded={log.get('exceeded')}")
    db = work / "soak.db"
    print(f"database after the daemon stopped (WAL checkpointed): {file_bytes(db) / 1024:.0f} KiB")
    print(f"work directory (logs, database): {work}")


if __name__ == "__main__":
    main()
