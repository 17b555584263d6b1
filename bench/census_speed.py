"""Census speed and memory on 300,000 Shodan-style records, against DuckDB alone.

For each of two files (30% distinct banner texts; heavy repetition, 1% distinct) it prints:
- baseline: DuckDB alone reads the same file and counts naive vendor-name matches per country
  (each record's text searched for "hikvision", "dahua", "huawei", "zte", "hytera");
- census: `custodiet census` (DuckDB engine) on the file, all outputs written, content loaded
  beforehand (its load time printed apart), afresh for each run: no run finds the matcher's
  caches filled by another (the best of --repeat runs, as for DuckDB alone);
- the ratio (target: at most 3x);
and, with --memory, the peak resident size of a census of 1x and 3x the records (--factors) in a
fresh process (memory must stay flat in the input size: DuckDB spills beyond --memory-limit).

and, with --gzip, a census of the 1%-distinct file gzip-compressed, by DuckDB's typed reader and
line by line (the way a file the typed reader refuses is read); with --cut, the same for the
1%-distinct file with its last record broken off (a download that stopped).

Run: .venv/bin/python bench/census_speed.py [--records 300000] [--repeat 2] [--memory [--factors 1,3,9]] [--gzip] [--cut]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from census_data import write

NAMES = ("hikvision", "dahua", "huawei", "zte", "hytera")


def baseline(path: Path) -> float:
    counts = ", ".join(f"count(*) FILTER (WHERE contains(t, '{n}')) AS {n}" for n in NAMES)
    sql = f"""SELECT cc, {counts} FROM (
        SELECT json->>'$.location.country_code' AS cc, lower(json::VARCHAR) AS t
        FROM read_json_objects('{path}', format = 'newline_delimited')) GROUP BY cc"""
    con = duckdb.connect()
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def census_time(path: Path, out: Path, context, typed: bool = True) -> tuple[float, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Seconds of a census of `path`, and the engine's seconds per stage (`typed`: False reads
    every file line by line, the way a file the typed reader refuses is read)."""
    from custodiet.census.model import EngineOptions
    from custodiet.census.run import CensusRequest, census

    started = time.perf_counter()
    result = census(CensusRequest(paths=(path,), out=out, options=EngineOptions(typed_reader=typed)), context)
    return time.perf_counter() - started, result.tables.stages


# The census CLI in a fresh process, which writes its peak resident size (VmHWM, in kB) to
# stderr at exit. Not getrusage(RUSAGE_CHILDREN): Linux keeps in a child's maxrss the high-water
# mark of the process it was forked from, so a benchmark that ran censuses in-process first would
# be counted too.
_MEASURED = """
import runpy, sys
sys.argv = ["custodiet", *sys.argv[1:]]
try:
    runpy.run_module("custodiet.cli.main", run_name="__main__")
except SystemExit as exit:
    if exit.code:
        raise
finally:
    with open("/proc/self/status") as status:
        print(next(line.split()[1] for line in status if line.startswith("VmHWM:")), file=sys.stderr)
"""


def peak_rss(path: Path, out: Path, limit: str) -> float:
    """Peak RSS (MiB) of a census of `path` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "census", str(path), "--out", str(out), "--memory", limit, "-q"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest is printed")
    parser.add_argument(
        "--memory", action="store_true", help="also measure peak RSS at 1x and 3x the records (see --factors)"
    )
    parser.add_argument(
        "--factors",
        default="1,3",
        help="multiples of --records whose peak RSS --memory measures (e.g. 1,3,9: where it levels off)",
    )
    parser.add_argument(
        "--cut",
        action="store_true",
        help="also time the 1%%-distinct file with its last record broken off, both ways",
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="also time the 1%%-distinct file gzip-compressed, read by DuckDB's typed reader and line by line",
    )
    args = parser.parse_args()
    from custodiet.pipeline.context import load_context

    started = time.perf_counter()
    load_context()  # timed here once; each census below loads its own context, untimed
    print(
        f"content loaded in {time.perf_counter() - started:.2f} s (once per process, not in the figures below)"
    )
    with tempfile.TemporaryDirectory(prefix="census-bench-") as tmp:
        folder = Path(tmp)
        for label, distinct in (("30% distinct texts", 0.30), ("heavy repetition (1% distinct)", 0.01)):
            path = folder / f"records-{distinct}.jsonl"
            info = write(path, args.records, distinct)
            base = min(baseline(path) for _ in range(args.repeat))
            took, stages = min(
                (
                    census_time(path, folder / f"out-{distinct}-{i}", load_context())
                    for i in range(args.repeat)
                ),
                key=lambda run: run[0],
            )
            wall = {name: seconds for name, seconds in stages.items() if "(cpu)" not in name}
            shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in wall.items())
            print(
                f"{label}: {info['records']:,} records, {info['distinct_data']:,} distinct banners "
                f"({info['distinct_data'] / info['records']:.0%}), {info['bytes'] / 1e6:.0f} MB\n"
                f"  DuckDB alone, read + naive vendor names per country: {base:6.2f} s\n"
                f"  custodiet census (DuckDB engine, all outputs):        {took:6.2f} s   = {took / base:.1f}x\n"
                f"    engine stages (s, wall): {shown}; planning and outputs {took - sum(wall.values()):.2f}"
            )
        if args.gzip:
            import gzip
            import shutil

            packed = folder / "records-0.01.jsonl.gz"
            with (
                (folder / "records-0.01.jsonl").open("rb") as raw,
                gzip.open(packed, "wb", compresslevel=6) as out,
            ):
                shutil.copyfileobj(raw, out)
            for typed, way in ((True, "typed reader"), (False, "line by line")):
                took = min(
                    census_time(packed, folder / f"gz-{typed}-{i}", load_context(), typed)[0]
                    for i in range(args.repeat)
                )
                print(f"gzip ({packed.stat().st_size / 1e6:.1f} MB), 1% distinct, {way}: {took:6.2f} s")
        if args.cut:
            whole = folder / "records-0.01.jsonl"
            cut = folder / "records-0.01-cut.jsonl"
            with whole.open("rb") as raw, cut.open("wb") as out:
                out.write(raw.read(whole.stat().st_size - 50))  # the last record broken off
            for typed, way in (
                (True, "typed reader (a copy without the last line)"),
                (False, "line by line"),
            ):
                took = min(
                    census_time(cut, folder / f"cut-{typed}-{i}", load_context(), typed)[0]
                    for i in range(args.repeat)
                )
                print(f"last record broken off, 1% distinct, {way}: {took:6.2f} s")
        if args.memory:
            for factor in (int(f) for f in args.factors.split(",")):
                path = folder / f"memory-{factor}.jsonl"
                write(path, args.records * factor, 0.30, seed=factor)
                size = path.stat().st_size / 1e6
                rss = peak_rss(path, folder / f"mem-out-{factor}", "512MB")
                print(
                    f"memory: {args.records * factor:,} records ({size:.0f} MB): peak RSS {rss:,.0f} MiB (--memory 512MB)"
                )
                path.unlink()


if __name__ == "__main__":
    main()
