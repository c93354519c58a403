#!/usr/bin/env python3
"""Fleet on one broker: N gateways (`ampgate run`), each against its own simulated site
(`ampgate simulate`, the soak site's devices), all publishing to one local mosquitto under
their own prefix. For each N it reports the messages per second the broker received, and
the CPU of the gateways (each and all) and of the broker, so that the growth with N shows.

    bench/mqtt/run.py [--counts 5,10,20] [--seconds 60] [--binary build/release/ampgate]

Every process is started by this script and stopped by its PID. A tiny MQTT 3.1.1
subscriber (below, raw sockets) counts what the broker carries on ampgate/#.
"""
import argparse
import os
import pathlib
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except OSError:
        return 0.0


class Counter(threading.Thread):
    """Subscribes to ampgate/# and counts PUBLISH packets (QoS 0 subscription)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.count = 0
        self.sock = socket.create_connection(("127.0.0.1", port))
        body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", 7) + b"counter"
        self.sock.sendall(b"\x10" + bytes([len(body)]) + body)
        topic = b"ampgate/#"
        sub = struct.pack("!H", 1) + struct.pack("!H", len(topic)) + topic + b"\x00"
        self.sock.sendall(b"\x82" + bytes([len(sub)]) + sub)

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def run(self):
        try:
            while True:
                head = self.read_exact(1)[0]
                length, shift = 0, 0
                while True:
                    b = self.read_exact(1)[0]
                    length |= (b & 0x7F) << shift
                    shift += 7
                    if not b & 0x80:
                        break
                self.read_exact(length)
                if head >> 4 == 3:
                    self.count += 1
        except (EOFError, OSError):
            pass


def start_site(binary, work, i, broker_port):
    d = work / f"site-{i}"
    d.mkdir()
    sim_site = d / "sim-site.yaml"
    sim = subprocess.Popen(
        ["nice", binary, "simulate", str(HERE / "site.yaml"), "--scenario", str(HERE / "scenario.yaml"),
         "--write-site", str(sim_site), "--tcp-ephemeral", "--fuse-log-port", "0"],
        stdout=open(d / "sim.out", "w"), stderr=open(d / "sim.err", "w"), cwd=d)
    for _ in range(600):
        if sim_site.exists() and sim_site.stat().st_size > 0:
            break
        time.sleep(0.05)
    text = sim_site.read_text()
    text = re.sub(r"token_file: .*", f"token_file: {d / 'token'}", text)
    text += f"\nmqtt:\n  host: 127.0.0.1\n  port: {broker_port}\n  topic_prefix: ampgate/site-{i}\n  qos: 0\n"
    (d / "site.yaml").write_text(text)
    gw = subprocess.Popen(["nice", binary, "run", "--config", str(d / "site.yaml"), "--db", str(d / "db")],
                          stdout=open(d / "gw.out", "w"), stderr=open(d / "gw.err", "w"), cwd=d)
    return sim, gw


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def measure(binary, n, seconds):
    with tempfile.TemporaryDirectory(prefix="ampgate-mqtt-bench-") as tmp:
        work = pathlib.Path(tmp)
        port = free_port()
        (work / "mosquitto.conf").write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(work / "mosquitto.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        sites = [start_site(binary, work, i, port) for i in range(n)]
        gateways = [gw for _, gw in sites]
        time.sleep(10)  # connect, discovery, first rounds
        counter = Counter(port)
        counter.start()
        time.sleep(1)
        c0, g0, b0 = counter.count, [cpu_seconds(g.pid) for g in gateways], cpu_seconds(broker.pid)
        t0 = time.monotonic()
        time.sleep(seconds)
        dt = time.monotonic() - t0
        msgs = (counter.count - c0) / dt
        gw_cpu = [(cpu_seconds(g.pid) - a) / dt * 100 for g, a in zip(gateways, g0)]
        broker_cpu = (cpu_seconds(broker.pid) - b0) / dt * 100
        alive = sum(1 for g in gateways if g.poll() is None)
        stop([p for pair in sites for p in pair])
        stop([broker])
        return msgs, gw_cpu, broker_cpu, alive


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", default="5,10,20")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--binary", default=str(ROOT / "build/release/ampgate"))
    a = ap.parse_args()
    print(f"{'gateways':>8} {'alive':>5} {'msg/s':>8} {'msg/s/gw':>8} {'gw CPU % mean':>13} {'gw CPU % max':>12} "
          f"{'all gw CPU %':>12} {'broker CPU %':>12}")
    for n in [int(x) for x in a.counts.split(",")]:
        msgs, gw, broker, alive = measure(a.binary, n, a.seconds)
        print(f"{n:>8} {alive:>5} {msgs:>8.1f} {msgs / n:>8.1f} {sum(gw) / n:>13.2f} {max(gw):>12.2f} "
              f"{sum(gw):>12.1f} {broker:>12.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
