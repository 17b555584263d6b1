"""Measure the inventory: observation insert rate, device grouping, commit, peak memory.

Writes N synthetic observations (default 1,000,000) over D devices (default 100,000; every fifth
device with a MAC, one observation in twenty with a match) in batches of 5,000, the way the
pipeline does, then streams them back by device with device_groups() and commits.

Only the add_observations() calls are timed for the insert rate; building the Observation objects
is not (that is the sources' cost). Rates are given in wall-clock time and in CPU time of this
process, because on a shared machine the wall clock also measures the neighbours.

Usage: python bench/bench_store.py [--observations N] [--devices D] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from custodiet.model import Match, Observation, Provenance, Subject
from custodiet.store import Store

BATCH = 5000
MATCH = (Match("http.server/bench", "http.server", {"manufacturer": "Bench"}, 0.85),)


def batch(start: int, count: int, devices: int) -> list[tuple[Observation, tuple[Match, ...]]]:
    """count observations starting at number start; device d is 10.x.y.z, MAC for every 5th."""
    rows = []
    for i in range(start, start + count):
        d = i % devices
        address = f"10.{d >> 16 & 255}.{d >> 8 & 255}.{d & 255}"
        mac = f"02:00:00:{d >> 16 & 255:02X}:{d >> 8 & 255:02X}:{d & 255:02X}" if d % 5 == 0 else None
        observation = Observation(
            subject=Subject(address, mac),
            field="http.server",
            text=f"Bench-Webs/{i % 97}.{i % 13} embedded server build {i}",
            provenance=Provenance("bench/scan.xml", f"host {address} port 80/tcp"),
            port="80/tcp",
        )
        rows.append((observation, MATCH if i % 20 == 0 else ()))
    return rows


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="inventory file (default: a temporary file, removed)")
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="custodiet-bench-")
        args.db = Path(tmp.name) / "bench.db"
    n = args.observations
    print(f"{n:,} observations over {min(args.devices, n):,} devices -> {args.db}")
    print(f"peak RSS before: {peak_rss_mib():.0f} MiB")

    with Store(args.db) as store:
        writer = store.begin_run(f"bench-{time.time_ns()}", "bench")
        wall = cpu = 0.0
        for start in range(0, n, BATCH):
            rows = batch(start, min(BATCH, n - start), args.devices)
            w0, c0 = time.perf_counter(), time.process_time()
            writer.add_observations(rows)
            wall += time.perf_counter() - w0
            cpu += time.process_time() - c0
        print(f"add_observations: {n / wall:,.0f} rows/s wall ({wall:.2f} s), {n / cpu:,.0f} rows/s CPU")

        w0, c0 = time.perf_counter(), time.process_time()
        groups = seen = largest = 0
        first = 0.0
        for group in writer.device_groups():
            if not groups:
                first = time.perf_counter() - w0  # the grouping statements run before the first yield
            groups += 1
            seen += len(group)
            largest = max(largest, len(group))
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        print(
            f"device_groups: {groups:,} devices, {seen:,} observations (largest {largest}) in {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU; grouping SQL {first:.2f} s, reading {seen / (wall - first):,.0f} obs/s"
        )

        w0 = time.perf_counter()
        writer.commit()
        print(f"commit: {time.perf_counter() - w0:.2f} s")

    size = os.path.getsize(args.db) / 2**20
    print(f"inventory size: {size:.0f} MiB ({size * 2**20 / n:.0f} bytes per observation)")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
