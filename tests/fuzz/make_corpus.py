#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the
project's own fixtures: DSMR telegrams, site files (examples, tests/config/bad, daemon
sites), HomeWizard answers, API requests of tests/api, and register images in the byte
layout the driver targets read (see device_replies.h). Run it again after adding fixtures;
the output is committed so that the replay tests need no generator."""
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "corpus"


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def copy_files(target, paths):
    for p in paths:
        put(target, p.parent.name + "-" + p.name, p.read_bytes())


def crc16_modbus(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def words(*ws):
    return b"".join(struct.pack(">H", w & 0xFFFF) for w in ws)


def f32_words(x):
    hi, lo = struct.unpack(">HH", struct.pack(">f", x))
    return [hi, lo]


# A register image: plausible values of every layout, repeated (amps, volts, watts, Wh).
IMAGE = []
for v in (10.5, 230.0, 2415.0, 123456.0, 0.0, 16.0):
    IMAGE += f32_words(v)
IMAGE += [0, 230, 0x0001, 0xE240, 16, 6, 1, 2, 0xFFFF, 0x7FFF]


def replies(n_replies, fail_every=0):
    """n replies in the layout of device_replies.h: an outcome byte (0 = good, right length)
    then the words, taken round-robin from the image."""
    out = b""
    k = 0
    for i in range(n_replies):
        how = 12 if fail_every and i % fail_every == fail_every - 1 else 0
        out += bytes([how])
        if how == 0:
            for _ in range(40):
                out += words(IMAGE[k % len(IMAGE)])
                k += 1
    return out


def telegrams():
    files = sorted((ROOT / "tests/drivers_meters/telegrams").glob("*.txt"))
    copy_files("p1_telegram", files)
    # The stream target: limit byte, chunk byte, then the stream (several telegrams, noise).
    all_text = b"".join(f.read_bytes() for f in files)
    put("p1_stream", "all-fixtures-chunk7", bytes([255, 7]) + all_text)
    put("p1_stream", "all-fixtures-chunk64", bytes([255, 63]) + all_text)
    for f in files:
        put("p1_stream", "stream-" + f.name, bytes([255, 1]) + b"garbage" + f.read_bytes() * 2)
    put("p1_stream", "small-limit", bytes([0, 16]) + all_text[:4000])


def homewizard():
    put("homewizard_json", "full.json",
        '{"smr_version":50,"meter_model":"Test meter","unique_id":"00112233",'
        '"active_tariff":2,"total_power_import_t1_kwh":100.5,"total_power_import_t2_kwh":200.25,'
        '"total_power_export_t1_kwh":1.0,"total_power_export_t2_kwh":2.0,'
        '"active_power_w":-466,"active_power_l1_w":1150,"active_power_l2_w":-1616,"active_power_l3_w":0,'
        '"active_voltage_l1_v":230.0,"active_voltage_l2_v":231.0,"active_voltage_l3_v":229.0,'
        '"active_current_l1_a":5,"active_current_l2_a":7,"active_current_l3_a":0}')
    put("homewizard_json", "single-phase.json",
        '{"active_power_w":690,"active_power_l1_w":690,"active_voltage_l1_v":230,"active_current_l1_a":3}')
    put("homewizard_json", "empty-object.json", "{}")
    put("homewizard_json", "not-object.json", "[1,2,3]")
    put("homewizard_json", "malformed.json", '{"active_power_w":')


def sites():
    files = sorted((ROOT / "examples").glob("*.yaml"))
    files += sorted((ROOT / "examples/scenarios").glob("*.yaml"))
    files += sorted((ROOT / "tests/config/bad").glob("*.yaml"))
    files += sorted((ROOT / "tests/daemon/sites").glob("*.yaml"))
    copy_files("site_yaml", files)


def registers():
    # spec (type, order, scale, address u16, function), block start u16, word count, words, double
    for t in range(8):
        for order in range(2):
            n = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 2, 7: 4}[t]
            body = bytes([t, order, t % 4]) + words(100, 98) + bytes([n + 2]) + words(*IMAGE[: n + 2])
            body += bytes([n // 2]) + struct.pack(">d", 16.0)
            put("registers", f"type{t}-order{order}", body)


def chargers():
    for model in range(5):  # teltocharge, keba_p30, vestel_evc04, smartevse, generic
        head = bytes([model, 1, 4, 10, 0, 30, 0])
        if model == 4:  # generic: 8 keys (function, address u16, type, order, scale), optional keys kept
            for key in range(8):
                head += (b"" if key == 0 else b"\x01") + bytes([1]) + words(100 + 10 * key) + bytes([key % 8, 0, 1])
        cycle = bytes([0]) + replies(12, fail_every=5) + words(1000) + bytes([1])
        put("chargers", f"model{model}", head + cycle * 3)
        put("chargers", f"model{model}-slow", head + bytes([3, 1]) + replies(30) + words(1600) + bytes([4, 30, 6]))


def meters():
    for model in range(20):  # 19 built-in models, then a custom table
        head = bytes([model, 1, model % 2])
        if model == 19:
            for key in range(12):
                head += bytes([1, key % 2]) + words(2 * key) + bytes([6, 0, 1])
        put("meters", f"model{model:02d}", head + bytes([1, 0]) + replies(8) + bytes([1, 1]) + replies(8, fail_every=3))


def api():
    reqs = {
        "site": "GET /api/v1/site",
        "health": "GET /api/v1/health",
        "metrics": "GET /metrics",
        "page": "GET /",
        "asset": "GET /assets/app.js",
        "openapi": "GET /api/v1/openapi.json",
        "chargers": "GET /api/v1/chargers",
        "charger": "GET /api/v1/chargers/garage-left",
        "meters": "GET /api/v1/meters",
        "circuits": "GET /api/v1/circuits",
        "sessions-window": "GET /api/v1/sessions?from=2024-05-01T00:00:00Z&to=2024-05-01T11:00:00Z",
        "sessions-unix": "GET /api/v1/sessions?from=1714560000&limit=1&charger=garage-left",
        "sessions-csv": "GET /api/v1/sessions?format=csv&charger=drive",
        "sessions-bad": "GET /api/v1/sessions?from=yesterday&to=2024-13-01",
        "events": "GET /api/v1/events?limit=5&from=2024-05-01",
        "history": "GET /api/v1/history?minutes=60",
        "mode": 'PUT /api/v1/chargers/garage-left/mode\n{"mode":"eco","eco_grid_current":8,"eco_plus_start_surplus":6}',
        "mode-bad": 'PUT /api/v1/chargers/garage-left/mode\n{"mode":',
        "limit": 'PUT /api/v1/chargers/garage-right/limit\n{"max_current":10}',
        "limit-null": 'PUT /api/v1/chargers/garage-right/limit\n{"max_current":null}',
        "start": "POST /api/v1/chargers/garage-left/start",
        "stop": "POST /api/v1/chargers/drive/stop",
        "site-limits": 'PUT /api/v1/site/limits\n{"mains_limit":16,"duration":3600}',
        "site-limits-clear": 'PUT /api/v1/site/limits\n{"mains_limit":null}',
    }
    for name, text in reqs.items():
        put("api_handlers", name, text)


def sim_frames():
    def rtu(unit, pdu):
        frame = bytes([unit]) + pdu
        c = crc16_modbus(frame)
        return frame + bytes([c & 0xFF, c >> 8])

    def read(fc, addr, count):
        return bytes([fc]) + words(addr, count)

    def write1(addr, v):
        return bytes([6]) + words(addr, v)

    def write_n(addr, vals):
        return bytes([16]) + words(addr, len(vals)) + bytes([2 * len(vals)]) + words(*vals)

    rtu_sets = {
        "teltocharge": [rtu(1, read(3, 0, 45)), rtu(1, write1(15, 16)), rtu(1, write_n(19, [30, 6]))],
        "smartevse": [rtu(2, read(3, 0, 12)), rtu(2, read(4, 0x100, 10)), rtu(2, write1(2, 100))],
        "generic": [rtu(3, read(3, 100, 3)), rtu(3, read(4, 200, 2)), rtu(3, write1(100, 10))],
        "sdm630": [rtu(11, read(4, 0, 80)), rtu(11, read(4, 342, 2))],
        "p1-dongle": [rtu(43, read(3, 0, 50)), rtu(43, read(3, 100, 12))],
        "broadcast": [rtu(0, write1(15, 6))],
    }
    for name, frames in rtu_sets.items():
        put("sim_rtu", name, b"\x00" + b"".join(frames))
    put("sim_rtu", "all-mended", b"\x01" + b"".join(f for fs in rtu_sets.values() for f in fs))

    def mbap(tid, unit, pdu):
        return words(tid, 0, len(pdu) + 1) + bytes([unit]) + pdu

    keba = [mbap(1, 255, read(3, 1000, 2)), mbap(2, 255, read(3, 1008, 2)), mbap(3, 255, write1(5004, 16000)),
            mbap(4, 255, read(3, 1036, 2)), mbap(5, 7, read(3, 1000, 2))]
    vestel = [mbap(1, 255, read(4, 100, 50)), mbap(2, 255, read(3, 2000, 1)), mbap(3, 255, write1(5004, 16)),
              mbap(4, 255, write_n(2000, [6])), mbap(5, 255, write1(6000, 1))]
    put("sim_tcp", "keba", b"\x00" + b"".join(keba))
    put("sim_tcp", "vestel", b"\x01" + b"".join(vestel))


if __name__ == "__main__":
    if OUT.exists():
        shutil.rmtree(OUT)
    telegrams()
    homewizard()
    sites()
    registers()
    chargers()
    meters()
    api()
    sim_frames()
    for d in sorted(OUT.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")
