"""Benchmark: the Zeek and Suricata EVE readers over 1,000,000-line logs, on one core.

Target (issue "Passive sources and phone-home"): at least 200,000 lines/s per log. Generated
logs: Zeek conn, dns and http in TSV and JSON, and an EVE file mixing flow, dns, http and tls
events, from a network of 500 local devices. As on a real network, each device mostly talks to
its own few dozen endpoints (95% of lines) and now and then to a new one (5%): contacts then
aggregate to some 60,000 keys per million lines. `--distinct` makes every line a new endpoint
(the worst case: one Contact object per line).

Each file is read in a fresh process; lines/s is given per CPU second of that process (what one
core does, whatever else the machine runs) and per wall-clock second, with its peak RSS. The
"floor" column is the same process only splitting the file into lines and parsing each (orjson
for JSON, a split on tabs for TSV): what no reader can beat on this machine. On a shared machine
CPU seconds still vary with what the other core runs (caches, memory bandwidth): `--repeat N`
reads each file in N fresh processes and keeps the fastest.

Run: .venv/bin/python bench/logs_throughput.py [--lines N] [--distinct] [--keep DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOCAL = [f"10.{i // 250}.{i % 250}.{10 + i % 7}" for i in range(500)]
REMOTE = [
    f"{random.Random(i).choice((198, 203))}.{(i * 7) % 250}.{(i * 13) % 250}.{i % 250 + 1}"
    for i in range(5000)
]
NAMES = [f"svc{i}.vendor{i % 40}.example" for i in range(2000)]
PORTS = [443, 443, 443, 80, 8000, 8800, 53, 123, 554, 37777]
AGENTS = ["ExampleCam/1.0", "okhttp/3.12.1", "Mozilla/5.0 (X11; Linux x86_64)", "curl/7.88.1"]
# Each device's usual endpoints: (remote, port, name); an answer per name that rarely changes.
USUAL = [
    [(random.Random(d * 100 + k).choice(REMOTE), random.Random(d + k).choice(PORTS), NAMES[(d * 7 + k * 13) % 2000])
     for k in range(40)]
    for d in range(500)
]  # fmt: skip
ANSWERS = {name: [REMOTE[(i * 31) % 5000], REMOTE[(i * 37) % 5000]] for i, name in enumerate(NAMES)}
DISTINCT = False


def _peer(r: random.Random) -> tuple[str, str, int, str]:
    """(local, remote, port, name): a device's usual endpoint 95% of the time."""
    device = r.randrange(500)
    if DISTINCT or r.random() < 0.05:
        return LOCAL[device], r.choice(REMOTE), r.choice(PORTS), r.choice(NAMES)
    remote, port, name = r.choice(USUAL[device])
    return LOCAL[device], remote, port, name


CONN_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "service",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "local_orig",
    "local_resp",
    "missed_bytes",
    "history",
    "orig_pkts",
    "orig_ip_bytes",
    "resp_pkts",
    "resp_ip_bytes",
    "tunnel_parents",
]
DNS_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "trans_id",
    "rtt",
    "query",
    "qclass",
    "qclass_name",
    "qtype",
    "qtype_name",
    "rcode",
    "rcode_name",
    "AA",
    "TC",
    "RD",
    "RA",
    "Z",
    "answers",
    "TTLs",
    "rejected",
]
HTTP_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "trans_depth",
    "method",
    "host",
    "uri",
    "referrer",
    "version",
    "user_agent",
    "origin",
    "request_body_len",
    "response_body_len",
    "status_code",
    "status_msg",
    "info_code",
    "info_msg",
    "tags",
    "username",
    "password",
    "proxied",
    "orig_fuids",
    "orig_filenames",
    "orig_mime_types",
    "resp_fuids",
    "resp_filenames",
    "resp_mime_types",
]


def _conn(r: random.Random, ts: float) -> dict:
    local, remote, port, _ = _peer(r)
    ob, rb = r.randint(40, 90000), r.randint(40, 900000)
    return {
        "ts": ts, "uid": f"C{r.getrandbits(64):x}", "id.orig_h": local, "id.orig_p": r.randint(1024, 65535),
        "id.resp_h": remote, "id.resp_p": port, "proto": "udp" if port in (53, 123) else "tcp",
        "service": "ssl" if port == 443 else None, "duration": r.random() * 30, "orig_bytes": ob, "resp_bytes": rb,
        "conn_state": "SF", "local_orig": True, "local_resp": False, "missed_bytes": 0, "history": "ShADadFf",
        "orig_pkts": 12, "orig_ip_bytes": ob + 500, "resp_pkts": 14, "resp_ip_bytes": rb + 600, "tunnel_parents": [],
    }  # fmt: skip


def _dns(r: random.Random, ts: float) -> dict:
    local, remote, _, name = _peer(r)
    answers = [remote, r.choice(REMOTE)] if DISTINCT else ANSWERS[name][: 1 + (r.random() < 0.1)]
    return {
        "ts": ts, "uid": f"C{r.getrandbits(64):x}", "id.orig_h": local, "id.orig_p": r.randint(1024, 65535),
        "id.resp_h": "10.0.0.1", "id.resp_p": 53, "proto": "udp", "trans_id": r.randint(0, 65535),
        "rtt": r.random() / 10, "query": name, "qclass": 1, "qclass_name": "C_INTERNET", "qtype": 1,
        "qtype_name": "A", "rcode": 0, "rcode_name": "NOERROR", "AA": False, "TC": False, "RD": True, "RA": True,
        "Z": 0, "answers": answers, "TTLs": [60.0] * len(answers), "rejected": False,
    }  # fmt: skip


def _http(r: random.Random, ts: float) -> dict:
    local, remote, _, name = _peer(r)
    return {
        "ts": ts, "uid": f"C{r.getrandbits(64):x}", "id.orig_h": local, "id.orig_p": r.randint(1024, 65535),
        "id.resp_h": remote, "id.resp_p": 80, "trans_depth": 1, "method": "GET",
        "host": name, "uri": f"/api/v1/status?id={r.getrandbits(32)}", "version": "1.1",
        "user_agent": AGENTS[hash(local) % 4], "request_body_len": 0, "response_body_len": r.randint(0, 9000),
        "status_code": 200, "status_msg": "OK", "tags": [], "resp_fuids": [f"F{r.getrandbits(64):x}"],
        "resp_mime_types": ["application/json"],
    }  # fmt: skip


def _tsv_value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, list):
        return ",".join(map(str, value)) if value else "(empty)"
    return str(value)


def write_zeek(path: Path, log: str, fields: list[str], make, lines: int, mode: str) -> None:  # type: ignore[no-untyped-def]
    r = random.Random(log)
    ts = 1714564800.0
    with path.open("w") as out:
        if mode == "tsv":
            out.write(
                f"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t{log}\n"
            )
            out.write(
                "#fields\t" + "\t".join(fields) + "\n#types\t" + "\t".join("string" for _ in fields) + "\n"
            )
        for _ in range(lines):
            ts += r.random() / 50
            row = make(r, ts)
            if mode == "tsv":
                out.write("\t".join(_tsv_value(row.get(f)) for f in fields) + "\n")
            else:
                out.write(
                    json.dumps({k: v for k, v in row.items() if v is not None}, separators=(",", ":")) + "\n"
                )


def _eve_time(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1e6):06d}+0000"


def write_eve(path: Path, lines: int) -> None:
    r = random.Random("eve")
    ts = 1714564800.0
    with path.open("w") as out:
        for _ in range(lines):
            ts += r.random() / 50
            local, remote, port, name = _peer(r)
            head = {
                "timestamp": _eve_time(ts), "flow_id": r.getrandbits(50), "in_iface": "eth0", "src_ip": local,
                "src_port": r.randint(1024, 65535), "dest_ip": remote,
            }  # fmt: skip
            kind = r.random()
            if kind < 0.55:
                event = {**head, "event_type": "flow", "dest_port": port, "proto": "UDP" if port in (53, 123) else "TCP",
                         "app_proto": "tls", "flow": {"pkts_toserver": 12, "pkts_toclient": 14,
                         "bytes_toserver": r.randint(60, 90000), "bytes_toclient": r.randint(60, 900000),
                         "start": _eve_time(ts - 20), "end": _eve_time(ts), "age": 20, "state": "closed",
                         "reason": "timeout", "alerted": False},
                         "tcp": {"tcp_flags": "1b", "tcp_flags_ts": "1b", "tcp_flags_tc": "1b", "syn": True,
                                 "fin": True, "psh": True, "ack": True, "state": "closed"}}  # fmt: skip
            elif kind < 0.8:
                answer = remote if DISTINCT else ANSWERS[name][0]
                event = {**head, "event_type": "dns", "dest_ip": "10.0.0.1", "dest_port": 53, "proto": "UDP",
                         "dns": {"version": 2, "type": "answer", "id": r.randint(0, 65535), "flags": "8180",
                                 "qr": True, "rd": True, "ra": True, "rrname": name, "rrtype": "A", "rcode": "NOERROR",
                                 "answers": [{"rrname": name, "rrtype": "A", "ttl": 60, "rdata": answer}],
                                 "grouped": {"A": [answer]}}}  # fmt: skip
            elif kind < 0.9:
                event = {**head, "event_type": "http", "dest_port": 80, "proto": "TCP", "tx_id": 0,
                         "http": {"hostname": name, "url": f"/api/{r.getrandbits(32)}",
                                  "http_user_agent": AGENTS[hash(local) % 4], "http_content_type": "application/json",
                                  "http_method": "GET", "protocol": "HTTP/1.1", "status": 200,
                                  "length": r.randint(0, 9000)}}  # fmt: skip
            else:
                event = {**head, "event_type": "tls", "dest_port": 443, "proto": "TCP",
                         "tls": {"subject": "CN=*.vendor.example", "issuerdn": "C=US, O=Example CA, CN=Example CA R3",
                                 "serial": "0C:00:99", "fingerprint": "8f:51:12:06", "sni": name,
                                 "version": "TLS 1.2", "notbefore": "2024-01-04T10:48:43",
                                 "notafter": "2025-03-29T10:18:00"}}  # fmt: skip
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


def _floor(path: str) -> float:
    """CPU seconds to split the file into lines and parse each line, nothing more."""
    import orjson

    from custodiet.sources.base import ReadStats, SourceOptions
    from custodiet.sources.logs import Skips, line_batches, open_binary

    skips = Skips(ReadStats(), path, SourceOptions())
    loads = orjson.loads
    cpu = time.process_time()
    with open_binary(Path(path), path) as handle:
        for _, batch in line_batches(handle, skips):
            for line in batch:
                if line[:1] == b"{":
                    loads(line)
                else:
                    line.split(b"\t")
    return time.process_time() - cpu


def measure(fmt: str, path: str) -> None:
    """Child process: read one file, print lines/s, records, contacts and peak RSS as JSON."""
    from custodiet.sources.base import ReadStats, SourceOptions
    from custodiet.sources.registry import READERS

    reader = READERS[fmt]
    stats = ReadStats()
    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _ in reader(Path(path), path, stats, SourceOptions()):
        count += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    floor = _floor(path)
    with open(path, "rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"lines": lines, "records": stats.records, "seconds": elapsed, "cpu": cpu, "floor": floor,
                      "items": count,
                      "contacts": stats.contacts, "observations": stats.observations, "rss_mib": rss}))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the logs here and keep them")
    parser.add_argument("--distinct", action="store_true", help="every line a new endpoint (worst case)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per file; the fastest counts")
    parser.add_argument("--measure", nargs=2, metavar=("FORMAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(*args.measure)
        return 0
    global DISTINCT
    DISTINCT = args.distinct
    work = args.keep or Path(tempfile.mkdtemp(prefix="custodiet-logs-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    plan = []
    for log, fields, make in (
        ("conn", CONN_FIELDS, _conn),
        ("dns", DNS_FIELDS, _dns),
        ("http", HTTP_FIELDS, _http),
    ):
        for mode in ("tsv", "json"):
            path = work / f"{log}.{mode}.log"
            if not path.exists():
                write_zeek(path, log, fields, make, args.lines, mode)
            plan.append(("zeek", path, f"zeek {log} {mode}"))
    eve = work / "eve.json"
    if not eve.exists():
        write_eve(eve, args.lines)
    plan.append(("suricata-eve", eve, "suricata eve (flow/dns/http/tls)"))
    worst = None
    print(
        f"{'log':34} {'lines':>10} {'CPU s':>6} {'lines/CPU s':>11} {'lines/s':>9} {'floor':>9} "
        f"{'contacts':>9} {'peak RSS':>9}"
    )
    for fmt, path, title in plan:
        runs = []
        for _ in range(max(args.repeat, 1)):
            proc = subprocess.run(
                [sys.executable, __file__, "--measure", fmt, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        result = min(runs, key=lambda run: run["cpu"])
        rate = result["lines"] / result["cpu"]
        worst = rate if worst is None else min(worst, rate)
        print(
            f"{title:34} {result['lines']:>10,} {result['cpu']:>6.2f} {rate:>11,.0f} "
            f"{result['lines'] / result['seconds']:>9,.0f} {result['lines'] / result['floor']:>9,.0f} "
            f"{result['contacts']:>9,} {result['rss_mib']:>7.0f} MiB"
        )
    print(f"slowest: {worst:,.0f} lines per CPU second (target 200,000)")
    if not args.keep:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
