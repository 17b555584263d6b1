"""Benchmark: history keeps changes, not copies.

Audits of one network, again and again, in which a share of the hosts change between audits (a
changed host is drawn anew: another maker, MAC, firmware or no longer up), each audit from a file
of another name (scan-01.xml, scan-02.xml, ...), all into one inventory. Prints per audit its wall
time, the inventory's size and what the run added, then checks that every past run still reads
back (devices and findings as they were audited) and that diffs of consecutive runs find about
the changed share.

Target (issue 10): ten audits of a 100,000-host network with 1% of the hosts changing between
audits leave an inventory under 2x the size of one audit.

Run: .venv/bin/python bench/history_size.py [--hosts 100000] [--runs 10] [--change 0.01]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import itertools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _gen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_nmap", HERE / "gen_nmap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def changes(index: int, audit: int, share: float) -> int:
    """How many times host `index` changed up to audit number `audit` (1-based)."""
    count = 0
    for round_ in range(2, audit + 1):
        digest = hashlib.blake2b(f"{index}/{round_}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") / 2**64 < share:
            count += 1
    return count


def write_scan(path: Path, hosts: int, audit: int, share: float) -> int:
    """The network as audit number `audit` sees it; returns how many hosts changed since the last."""
    gen = _gen()
    changed = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(gen.HEADER)
        for index in range(1, hosts + 1):
            version = changes(index, audit, share)
            if audit > 1 and version != changes(index, audit - 1, share):
                changed += 1
            out.write(gen.host_xml(random.Random(f"{index}/{version}"), index, "mixed"))
        out.write(gen.FOOTER.format(up=hosts, down=0, total=hosts))
    return changed


def audit(xml: Path, db: Path, cache: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MiB) of one audit process (CPU: the machine is shared)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", str(xml), "--db", str(db), "--quiet"],
        check=True,
        env={**os.environ, "CUSTODIET_CACHE": cache},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu, after.ru_maxrss / 1024


def size(db: Path) -> int:
    """The inventory's bytes on disk (a closed inventory has no -wal file left)."""
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--change", type=float, default=0.01, help="share of hosts that change per audit")
    parser.add_argument("--keep", type=Path, help="write the inventory here and keep it")
    args = parser.parse_args()
    from custodiet.store import Store, history

    with tempfile.TemporaryDirectory(prefix="custodiet-history-") as work:
        cache = os.path.join(work, "cache")
        db = args.keep or Path(work) / "inventory.sqlite"
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
        sizes = []
        print(
            f"{args.hosts:,} hosts, {args.runs} audits, {args.change:.1%} of the hosts change per audit -> {db}"
        )
        for number in range(1, args.runs + 1):
            xml = Path(work) / f"scan-{number:02d}.xml"
            changed = write_scan(xml, args.hosts, number, args.change)
            wall, cpu, rss = audit(xml, db, cache)
            sizes.append(size(db))
            added = sizes[-1] - (sizes[-2] if len(sizes) > 1 else 0)
            print(
                f"audit {number:2d}: {changed:6,} hosts changed, {wall:6.1f} s ({cpu:5.1f} s CPU), peak RSS {rss:5.0f} MiB, "
                f"inventory {sizes[-1] / 1e6:7.1f} MB (+{added / 1e6:6.1f} MB, "
                f"{added / args.hosts:,.0f} bytes per host)"
            )
            xml.unlink()
        ratio = sizes[-1] / sizes[0]
        print(
            f"one audit: {sizes[0] / 1e6:.1f} MB ({sizes[0] / args.hosts:,.0f} bytes per host); "
            f"after {args.runs}: {sizes[-1] / 1e6:.1f} MB = {ratio:.2f}x one audit "
            f"({'meets' if ratio < 2 else 'MISSES'} the target of < 2x)"
        )
        started = time.perf_counter()
        with Store(db) as store:
            infos = store.runs()
            assert len(infos) == args.runs, infos
            for info in infos:
                report = store.load_run(info.id, evidence="none")
                assert len(report.devices) == info.devices and len(report.findings) == info.findings
            detail = store.device_detail("10.0.0.1", infos[0].id)
            assert detail.observations, "the first run's observations are still there"
            diffs = [history.diff(store, a.id, b.id) for a, b in itertools.pairwise(infos)]
        print(
            f"every run reads back ({time.perf_counter() - started:.1f} s for {args.runs} runs); "
            f"devices per run {infos[0].devices:,}..{infos[-1].devices:,}; consecutive diffs: "
            + ", ".join(f"+{len(d.new)}/-{len(d.gone)}/~{len(d.changed)}" for d in diffs)
        )
    return 0 if ratio < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
