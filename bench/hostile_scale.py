"""Benchmark: the hostile sizes of issue 12, rows 4 and 5, each in a fresh process.

- nmap XML with one host holding a script output attribute of 16, 32, 64 and 200 MB (expat 2.5
  re-parsed such a token per 64 KiB chunk: 3.7 / 10.5 / 45.8 s, 200 MB killed after 400 s).
  Target: 64 MB in under 2 s, bounded memory.
- `custodiet audit` of a CSV inventory whose 20,000 / 40,000 / 200,000 rows share one MAC, and of a
  capture of 65,536 ARP replies from one MAC (the device builder scanned a list per address:
  80 s for 80,000 rows, 200,000 over 590 s; the capture 51 s). Target: 200,000 rows in under 10 s.

Figures are CPU seconds of the child process (user + system: what the work costs whatever else the
machine runs), wall seconds and peak RSS.

Run: .venv/bin/python bench/hostile_scale.py [--keep DIR] [--skip-audit]
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<nmaprun scanner="nmap" args="nmap">\n'
READ = """
import sys, resource
from pathlib import Path
from custodiet.sources import nmap_xml
from custodiet.sources.base import ReadStats, SourceOptions
path = Path(sys.argv[1]); stats = ReadStats()
count = sum(1 for _ in nmap_xml.read(path, path.name, stats, SourceOptions()))
print(count, stats.records, dict(stats.skipped))
"""


def host(i: int, extra: int = 0) -> bytes:
    output = b"A" * extra + b"T"
    return (
        b'<host><status state="up"/><address addr="10.0.0.%d" addrtype="ipv4"/><ports><port protocol="tcp" '
        b'portid="80"><state state="open"/><service name="http"/><script id="http-title" output="%s"/>'
        b"</port></ports></host>\n" % (i, output)
    )


def write_attribute_file(path: Path, megabytes: int) -> None:
    with path.open("wb") as out:
        out.write(HEAD + host(1))
        out.write(host(2)[: host(2).index(b'output="') + 8])
        block = b"A" * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
        out.write(b'"/></port></ports></host>\n' + host(3) + b"</nmaprun>\n")


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """(CPU seconds, wall seconds, peak RSS MiB, stdout) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) not in (0,):
        err = proc.stderr.read().decode() if proc.stderr else ""
        out += f" (exit {os.waitstatus_to_exitcode(status)}: {err.strip()[-200:]})"
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, out.strip()


def write_shared_mac_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("ip,mac,hostname,vendor\n")
        for i in range(rows):
            out.write(f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255},44:a6:42:00:00:01,h{i},Hikvision\n")


def write_arp_capture(path: Path, replies: int) -> None:
    mac = bytes.fromhex("44a6425b1020")
    router = bytes.fromhex("00005e000101")
    records = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)]
    for i in range(replies):
        body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + bytes([10, i >> 16, (i >> 8) & 255, i & 255])
        body += router + bytes([10, 0, 0, 1])
        frame = router + mac + b"\x08\x06" + body
        records.append(struct.pack("<IIII", 1_700_000_000, i % 1_000_000, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(records))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    parser.add_argument("--skip-audit", action="store_true", help="only the nmap attribute sizes")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="custodiet-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    print(f"{'case':44} {'CPU s':>8} {'wall s':>8} {'peak RSS':>9}  result")
    for megabytes in (16, 32, 64, 200):
        path = folder / f"attribute-{megabytes}mb.xml"
        write_attribute_file(path, megabytes)
        cpu, wall, rss, out = run([python, "-c", READ, str(path)])
        print(f"{f'nmap XML, one {megabytes} MB attribute':44} {cpu:8.2f} {wall:8.2f} {rss:7.0f} MiB  {out}")
        path.unlink()
    if args.skip_audit:
        return 0
    cases: list[tuple[str, Path]] = []
    for rows in (20_000, 40_000, 200_000):
        path = folder / f"shared-mac-{rows}.csv"
        write_shared_mac_csv(path, rows)
        cases.append((f"audit, {rows:,} CSV rows sharing one MAC", path))
    arp = folder / "arp-65536.pcap"
    write_arp_capture(arp, 65_536)
    cases.append(("audit, 65,536 ARP replies from one MAC", arp))
    for name, path in cases:
        db = folder / f"{path.stem}.sqlite"
        db.unlink(missing_ok=True)
        env = {**os.environ, "CUSTODIET_DB": str(db)}
        cpu, wall, rss, _out = run([python, "-m", "custodiet.cli.main", "audit", str(path), "--quiet"], env)
        print(f"{name:44} {cpu:8.2f} {wall:8.2f} {rss:7.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
