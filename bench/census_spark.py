"""The census on Spark (local mode) at 1, 2 and all cores of this machine, against DuckDB.

Writes Shodan-style records (census_data.py; 30% distinct banners), runs the DuckDB engine
once, then `--engine spark` with local[1], local[2] and local[*] (a fresh session each; the
session start-up is timed apart), and checks that every run gives the DuckDB footprint.

Run: .venv/bin/python bench/census_spark.py [--records 300000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from census_data import write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--masters", default="local[1],local[2],local[*]")
    args = parser.parse_args()
    from custodiet.census import spark
    from custodiet.census.model import EngineOptions
    from custodiet.census.run import CensusRequest, census
    from custodiet.pipeline.context import load_context

    context = load_context()
    with tempfile.TemporaryDirectory(prefix="census-spark-") as tmp:
        folder = Path(tmp)
        path = folder / "records.jsonl"
        info = write(path, args.records, 0.30)
        print(
            f"{info['records']:,} records, {info['distinct_data']:,} distinct banners, {info['bytes'] / 1e6:.0f} MB; {os.cpu_count()} cores"
        )
        started = time.perf_counter()
        reference = census(CensusRequest(paths=(path,), out=folder / "duckdb", html=False), context)
        print(f"  duckdb          {time.perf_counter() - started:7.1f} s")
        want = sorted(map(str, reference.tables.footprint.to_pylist()))
        for master in args.masters.split(","):
            options = EngineOptions(spark_master=master)
            started = time.perf_counter()
            spark.session(options)
            ready = time.perf_counter() - started
            started = time.perf_counter()
            result = census(
                CensusRequest(
                    paths=(path,), out=folder / master, engine="spark", html=False, options=options
                ),
                context,
            )
            took = time.perf_counter() - started
            same = sorted(map(str, result.tables.footprint.to_pylist())) == want
            spark.stop()
            print(
                f"  spark {master:<9} {took:7.1f} s  (+{ready:.1f} s session start)  same rows as duckdb: {same}"
            )


if __name__ == "__main__":
    main()
