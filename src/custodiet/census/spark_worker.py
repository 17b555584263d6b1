"""What a Spark executor runs on each partition (spark.py): Arrow batches of lines in, small rows
out. Kept apart from spark.py so that an executor imports neither PySpark's driver side nor more
than it needs; the state (compiled content, an in-memory DuckDB) is made once per Python worker
process and reused for every batch and partition it is given.

Out rows (OUT_SCHEMA), by kind:
  rec   one per usable record: file, addr (normalised), cc (the record's, validated), reg (the
        registry's country of the address, when the record has none)
  item  an evidence item of a piece: addr, port, reason = the item key
  svc   a service seen with some text: addr, port (distinct per batch)
  skip  file, reason (one row per skipped record or entry)
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

OUT_SCHEMA = "kind string, file int, addr string, cc string, reg string, port string, reason string"
_ARROW_OUT = pa.schema(
    [
        ("kind", pa.string()),
        ("file", pa.int32()),
        ("addr", pa.string()),
        ("cc", pa.string()),
        ("reg", pa.string()),
        ("port", pa.string()),
        ("reason", pa.string()),
    ]
)

_STATE: dict = {}


def _state() -> tuple:
    """(DuckDB connection, Matcher) of this worker process, made on first use."""
    if not _STATE:
        from custodiet.census.duck import EngineOptions, connect
        from custodiet.census.evidence import Matcher
        from custodiet.pipeline.context import load_context

        _STATE["con"] = connect(":memory:", EngineOptions(memory_limit="1GB", threads=1))
        _STATE["matcher"] = Matcher(load_context())
    return _STATE["con"], _STATE["matcher"]


def cut(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow function: (file, fmt, line) batches -> OUT_SCHEMA batches."""
    for batch in batches:
        if batch.num_rows:
            yield from _cut(batch)


def _cut(batch: pa.RecordBatch) -> Iterator[pa.RecordBatch]:
    table = pa.Table.from_batches([batch])
    fmts = set(table.column("fmt").to_pylist())
    for fmt in sorted(fmts):
        part = table.filter(pc.equal(table.column("fmt"), fmt)) if len(fmts) > 1 else table
        yield _cut_format(part, fmt)


def _cut_format(part: pa.Table, fmt: str) -> pa.RecordBatch:
    """The out rows of the lines of one format."""
    from custodiet.census import formats, places
    from custodiet.census.arrow_results import arrow_table

    con, matcher = _state()
    lines = pa.table(
        {
            "file": part.column("file"),
            "n": pa.array(range(1, part.num_rows + 1), pa.int64()),
            "line": part.column("line"),
        }
    )
    con.register("worker_lines", lines)
    con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT file, n, line FROM worker_lines")
    con.execute(f"CREATE OR REPLACE TEMP TABLE cut AS {formats.flatten_sql(fmt)}")
    con.unregister("worker_lines")
    out: dict[str, list] = {name: [] for name in _ARROW_OUT.names}

    def add(kind: str, file: int, addr=None, cc=None, reg=None, port=None, reason=None) -> None:
        out["kind"].append(kind)
        out["file"].append(file)
        out["addr"].append(addr)
        out["cc"].append(cc)
        out["reg"].append(reg)
        out["port"].append(port)
        out["reason"].append(reason)

    for file, reason, count in con.execute(
        "SELECT file, CASE WHEN kind = '#bad' THEN raw ELSE substr(kind, 2) END, count(*) FROM cut "
        "WHERE kind = '#bad' OR starts_with(kind, '!') GROUP BY ALL"
    ).fetchall():
        for _ in range(count):
            add("skip", file, reason=reason)
    recs = con.execute(
        f"""SELECT file, n, addr, CASE WHEN regexp_matches(addr, '{places.IPV4_SQL}') THEN addr END AS canon,
            CASE WHEN regexp_matches(cc, '{places.COUNTRY_SQL}') THEN upper(cc) END AS cc
        FROM cut WHERE kind = '#rec'"""
    ).fetchall()
    address: dict[tuple[int, int], str] = {}
    odd = [r[2] for r in recs if r[3] is None and r[2]]
    fixed = dict(zip(odd, places.normalise_addresses(odd), strict=True))
    need_registry = []
    kept = []
    for file, n, raw, canon, cc in recs:
        addr = canon or fixed.get(raw)
        if addr is None:
            add("skip", file, reason="no address" if raw is None else "bad address")
            continue
        address[(file, n)] = addr
        kept.append((file, addr, cc))
        if cc is None:
            need_registry.append(addr)
    registry = dict(zip(need_registry, places.registry_countries(need_registry), strict=True))
    for file, addr, cc in kept:
        add("rec", file, addr=addr, cc=cc, reg=None if cc else registry.get(addr))
    pieces = arrow_table(
        con,
        "SELECT file, n, port, kind, raw FROM cut WHERE NOT starts_with(kind, '#') AND NOT starts_with(kind, '!')",
    ).to_pylist()
    distinct = list(dict.fromkeys((p["kind"], p["raw"]) for p in pieces))
    answers = dict(
        zip(distinct, matcher.items([k for k, _ in distinct], [r for _, r in distinct]), strict=True)
    )
    services: set[tuple[str, str]] = set()
    for piece in pieces:
        addr = address.get((piece["file"], piece["n"]))
        if addr is None:
            continue
        port = piece["port"]
        if port is not None and (addr, port) not in services:
            services.add((addr, port))
            add("svc", piece["file"], addr=addr, port=port)
        for item in answers[(piece["kind"], piece["raw"])]:
            add("item", piece["file"], addr=addr, port=port, reason=item)
    con.execute("DROP TABLE cut")
    return pa.RecordBatch.from_pydict(out, schema=_ARROW_OUT)
