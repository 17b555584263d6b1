"""Benchmark: `custodiet audit` of a generated 100,000-host nmap XML, end to end.

Targets (issue 2): at least 5,000 hosts/s end to end on one core; peak RSS flat in input size
and under 400 MB. Each size runs in a fresh process (the real command), so peak RSS is the
audit's own: it is read from the child's rusage.

Run: .venv/bin/python bench/audit_scale.py [--hosts 10000 100000] [--mix mixed]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def audit_once(xml: Path, db: Path, cache: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MiB) of one `custodiet audit` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", str(xml), "--db", str(db), "--quiet"],
        check=True,
        env={**os.environ, "CUSTODIET_CACHE": cache},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def warm(cache: str) -> None:
    """Compile the content into the cache, so that the audit measured does not pay for it (run
    right before each audit: a content file edited meanwhile would make the audit compile)."""
    subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "identify", "-"],
        check=True,
        input=b"",
        stdout=subprocess.DEVNULL,
        env={**os.environ, "CUSTODIET_CACHE": cache},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--mix", default="mixed", help="host mix of bench/gen_nmap.py (light, mixed, heavy)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        cache = os.path.join(work, "cache")
        for hosts in args.hosts:
            xml = Path(work) / f"scan-{hosts}.xml"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "gen_nmap.py"),
                    str(xml),
                    "--hosts",
                    str(hosts),
                    "--mix",
                    args.mix,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            size = xml.stat().st_size / 1e6
            warm(cache)
            compiled = set(os.listdir(cache))
            wall, cpu, rss = audit_once(xml, Path(work) / f"db-{hosts}.sqlite", cache)
            if set(os.listdir(cache)) != compiled:
                print(
                    "  (the content changed during the audit, which compiled it: the figures below include that)"
                )
            print(
                f"audit {hosts:>8,} hosts ({size:,.0f} MB, {args.mix}): {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
                f"{hosts / wall:7,.0f} hosts/s wall, {hosts / cpu:7,.0f} hosts/s CPU, peak RSS {rss:6.0f} MiB"
            )


if __name__ == "__main__":
    main()
