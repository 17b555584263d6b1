"""What the integrity check before each audit run costs (issue 12, row 12).

An audit refuses to append a run to an inventory that fails SQLite's PRAGMA integrity_check
(Store.check_integrity, called by begin_run). This builds an inventory with bench/bench_store.py
(or takes --db), then times integrity_check, the cheaper quick_check (no index cross-check) and a
plain read of the file, so the cost can be set against an audit's own time.

Usage: python bench/store_check.py [--observations N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from custodiet.store import Store

HERE = Path(__file__).resolve().parent


def timed(label: str, size: float, action) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    took = time.perf_counter() - start
    print(f"{label:34} {took:7.2f} s  {size / took:8.0f} MiB/s  -> {result}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="an existing inventory (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodiet-check-") as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "bench.db"
            subprocess.run(
                [sys.executable, str(HERE / "bench_store.py"), "--observations", str(args.observations),
                 "--db", str(db)],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        size = os.path.getsize(db) / 2**20
        print(f"inventory {db}: {size:.0f} MiB")
        con = sqlite3.connect(db)
        timed("read the file", size, lambda: len(Path(db).read_bytes()) and "read")
        timed("PRAGMA quick_check", size, lambda: con.execute("PRAGMA quick_check").fetchall())
        timed(
            "PRAGMA integrity_check (before a run)",
            size,
            lambda: con.execute("PRAGMA integrity_check").fetchall(),
        )
        con.close()
        with Store(db) as store:
            timed("Store.check_integrity()", size, lambda: store.check_integrity() or "ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
