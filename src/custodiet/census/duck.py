"""The DuckDB engine: one machine, no set-up, memory bounded whatever the input size.

1. Each file streams in as Arrow batches of lines (lines.py; Parquet rows as JSON) and is cut
   into pieces by its format's SQL (formats.py), into one table on disk.
2. The DISTINCT (kind, raw) pieces stream out to the matcher (evidence.Matcher: the audit
   readers' derivations, Identifier.match_many, batched per field); the pieces that hit
   something come back with their evidence items.
3. Items are joined back to hosts (by address), each host's items make its combo, the DISTINCT
   combos are fused (identify.fusion, as audit does), and everything is counted in SQL.

Memory: DuckDB works in a database file under a temporary folder with a memory limit and
spills to disk beyond it; Python holds one batch of distinct pieces at a time and caches that
are bounded. So the resident size stays flat as the input grows (bench/census_memory.py).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from custodiet.census import counts, formats, lines, places
from custodiet.census.evidence import Matcher, combo_of, item_maker
from custodiet.census.model import (
    BRANDS_SCHEMA,
    COUNTRIES_SCHEMA,
    FOOTPRINT_SCHEMA,
    HOSTS_SCHEMA,
    UNKNOWN_COUNTRY,
    CensusTables,
    EngineOptions,
    FileSummary,
    PlannedFile,
    Progress,
)

BATCH = 16_384  # distinct pieces per matcher call

_ANSWERS = pa.schema([("kind", pa.string()), ("raw", pa.large_string()), ("items", pa.list_(pa.int32()))])


def arrow_reader(con: duckdb.DuckDBPyConnection, sql: str, rows: int) -> pa.RecordBatchReader:
    """A query's result as Arrow batches of `rows` rows, streamed (DuckDB 2 names it
    to_arrow_reader, 1.x fetch_record_batch)."""
    relation = con.sql(sql)
    method = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    return method(rows)


def arrow_table(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """A query's result as one Arrow table."""
    relation = con.sql(sql)
    method = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return method()


def connect(database: Path | str, options: EngineOptions) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the census macros and the memory limit."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": options.memory_limit,
        "preserve_insertion_order": False,
    }
    if options.threads:
        config["threads"] = options.threads
    con = duckdb.connect(str(database), config=config)
    if str(database) != ":memory:":
        con.execute(f"SET temp_directory = '{Path(database).parent / 'spill'}'")
    con.execute(formats.MACROS)
    return con


def run(
    files: list[PlannedFile],
    matcher: Matcher,
    options: EngineOptions,
    progress: Progress | None = None,
    want_hosts: bool = False,
) -> CensusTables:
    """A census of `files` (see the module docstring)."""
    work = Path(tempfile.mkdtemp(prefix="custodiet-census-", dir=options.work_dir))
    try:
        con = connect(work / "census.duckdb", options)
        try:
            summaries = _load(con, files, progress)
            _hosts(con, summaries)
            _match(con, matcher)
            _identify(con, matcher)
            return _tables(con, summaries, want_hosts)
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- 1. load


def _load(
    con: duckdb.DuckDBPyConnection, files: list[PlannedFile], progress: Progress | None
) -> list[FileSummary]:
    con.execute(
        "CREATE TABLE flat (file INTEGER, n BIGINT, addr VARCHAR, cc VARCHAR, port VARCHAR, kind VARCHAR, raw VARCHAR)"
    )
    summaries = []
    for index, planned in enumerate(files):
        summary = FileSummary(planned.label, planned.format)
        tally = lines.Tally()
        if planned.packing == "parquet":
            literal = "'" + str(planned.path).replace("'", "''") + "'"  # a view takes no parameters
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW src AS SELECT {index}::INTEGER AS file, file_row_number + 1 AS n, "
                f"to_json(t)::VARCHAR AS line FROM read_parquet({literal}, file_row_number = true) t"
            )
        else:
            stream = _watched(lines.batches(planned.path, planned.label, tally), planned.label, progress)
            batches = pa.RecordBatchReader.from_batches(lines.SCHEMA, stream)
            con.register("src_lines", batches)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW src AS SELECT {index}::INTEGER AS file, n, line FROM src_lines"
            )
        con.execute(f"INSERT INTO flat {formats.flatten_sql(planned.format)}")
        if planned.packing != "parquet":
            con.unregister("src_lines")
        summary.skipped.update(tally.skipped)
        for reason, count in con.execute(
            "SELECT CASE WHEN kind = '#bad' THEN raw ELSE substr(kind, 2) END, count(*) FROM flat "
            "WHERE file = ? AND (kind = '#bad' OR starts_with(kind, '!')) GROUP BY ALL",
            [index],
        ).fetchall():
            summary.skipped[reason] += count
        if tally.unterminated is not None:
            cut = con.execute(
                "SELECT raw FROM flat WHERE file = ? AND n = ? AND kind = '#bad'", [index, tally.unterminated]
            ).fetchone()
            if cut is not None and cut[0] == "malformed JSON":
                summary.skipped["malformed JSON"] -= 1
                if not summary.skipped["malformed JSON"]:
                    del summary.skipped["malformed JSON"]
                summary.skipped["file ends mid-record"] += 1
        if progress:
            progress(planned.label, tally.lines, True)
        summaries.append(summary)
    return summaries


def _watched(
    batches: Iterator[pa.RecordBatch], label: str, progress: Progress | None
) -> Iterator[pa.RecordBatch]:
    seen = 0
    for batch in batches:
        seen += batch.num_rows
        if progress:
            progress(label, seen, False)
        yield batch


# --------------------------------------------------------------------------- 2. hosts and countries


def _hosts(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary]) -> None:
    """recs: each usable record with its normalised address; hosts: one row per address with
    its country (the records' most frequent one, the greater code on a tie; else the registry's)."""
    odd = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT addr FROM flat WHERE kind = '#rec' AND addr IS NOT NULL AND NOT regexp_matches(addr, ?)",
            [places.IPV4_SQL],
        ).fetchall()
    ]
    con.execute("CREATE TABLE addr_map (raw VARCHAR, addr VARCHAR)")
    if odd:
        mapping = pa.table({"raw": odd, "addr": places.normalise_addresses(odd)})
        con.register("addr_map_arrow", mapping)
        con.execute("INSERT INTO addr_map SELECT * FROM addr_map_arrow")
        con.unregister("addr_map_arrow")
    con.execute(
        f"""CREATE TABLE recs AS
        SELECT f.file, f.n, f.addr AS raw_addr,
            CASE WHEN regexp_matches(f.addr, '{places.IPV4_SQL}') THEN f.addr ELSE m.addr END AS addr,
            CASE WHEN regexp_matches(f.cc, '{places.COUNTRY_SQL}') THEN upper(f.cc) END AS cc
        FROM flat f LEFT JOIN addr_map m ON m.raw = f.addr
        WHERE f.kind = '#rec'"""
    )
    for file, reason, count in con.execute(
        "SELECT file, CASE WHEN raw_addr IS NULL THEN 'no address' ELSE 'bad address' END, count(*) "
        "FROM recs WHERE addr IS NULL GROUP BY ALL"
    ).fetchall():
        summaries[file].skipped[reason] += count
    for file, count in con.execute(
        "SELECT file, count(*) FROM recs WHERE addr IS NOT NULL GROUP BY file"
    ).fetchall():
        summaries[file].records = count
    con.execute(
        """CREATE TABLE hosts AS
        SELECT addr, arg_max(cc, (k, cc)) FILTER (WHERE cc IS NOT NULL) AS cc,
            CASE WHEN count(cc) > 0 THEN 'record' END AS cc_source
        FROM (SELECT addr, cc, count(*) AS k FROM recs WHERE addr IS NOT NULL GROUP BY addr, cc)
        GROUP BY addr"""
    )
    con.execute("CREATE TABLE registry (addr VARCHAR, cc VARCHAR)")
    cursor = con.cursor()
    try:
        for batch in arrow_reader(cursor, "SELECT addr FROM hosts WHERE cc IS NULL", BATCH * 8):
            addresses = batch.column(0).to_pylist()
            found = pa.table({"addr": addresses, "cc": places.registry_countries(addresses)})
            con.register("registry_arrow", found)
            con.execute("INSERT INTO registry SELECT * FROM registry_arrow WHERE cc IS NOT NULL")
            con.unregister("registry_arrow")
    finally:
        cursor.close()
    con.execute(
        "UPDATE hosts SET cc = r.cc, cc_source = 'registry' FROM registry r WHERE hosts.addr = r.addr AND hosts.cc IS NULL"
    )
    con.execute(f"UPDATE hosts SET cc = '{UNKNOWN_COUNTRY}', cc_source = 'unknown' WHERE cc IS NULL")


# --------------------------------------------------------------------------- 3. matching


def _match(con: duckdb.DuckDBPyConnection, matcher: Matcher) -> None:
    """answers: every distinct piece that hits something, with its items as small integers
    (item_keys maps them to the canonical keys): hosts' items are grouped and compared as
    integers, not as JSON strings."""
    con.execute("CREATE TABLE answers (kind VARCHAR, raw VARCHAR, items INTEGER[])")
    ids: dict[str, int] = {}
    cursor = con.cursor()
    try:
        reader = arrow_reader(
            cursor,
            "SELECT kind, raw FROM flat WHERE NOT starts_with(kind, '#') AND NOT starts_with(kind, '!') "
            "GROUP BY kind, raw",
            BATCH,
        )
        for batch in reader:
            kinds = batch.column(0).to_pylist()
            raws = batch.column(1).to_pylist()
            answered = matcher.items(kinds, raws)
            keep = [i for i, items in enumerate(answered) if items]
            if not keep:
                continue
            hits = pa.table(
                {
                    "kind": [kinds[i] for i in keep],
                    "raw": [raws[i] for i in keep],
                    "items": [[ids.setdefault(key, len(ids)) for key in answered[i]] for i in keep],
                },
                schema=_ANSWERS,
            )
            con.register("answers_arrow", hits)
            con.execute("INSERT INTO answers SELECT kind, raw::VARCHAR, items FROM answers_arrow")
            con.unregister("answers_arrow")
    finally:
        cursor.close()
    keys = list(ids)
    items = pa.table(
        {
            "item": pa.array(range(len(keys)), pa.int32()),
            "item_key": keys,
            "maker_fold": [item_maker(k) for k in keys],
        }
    )
    con.register("item_arrow", items)
    con.execute("CREATE TABLE item_keys AS SELECT * FROM item_arrow")
    con.unregister("item_arrow")
    con.execute(
        """CREATE TABLE host_items AS
        SELECT r.addr, f.port, unnest(a.items) AS item
        FROM flat f JOIN answers a ON a.kind = f.kind AND a.raw = f.raw
        JOIN recs r ON r.file = f.file AND r.n = f.n
        WHERE r.addr IS NOT NULL"""
    )


# --------------------------------------------------------------------------- 4. identities


def _identify(con: duckdb.DuckDBPyConnection, matcher: Matcher) -> None:
    """Each host's items (sorted, distinct) make its combo; each distinct combo is fused once."""
    from custodiet.catalog import fold

    con.execute(
        "CREATE TABLE host_combo AS SELECT addr, list(DISTINCT item ORDER BY item) AS combo FROM host_items GROUP BY addr"
    )
    con.execute(
        "CREATE TABLE combos AS SELECT combo, row_number() OVER () AS cid FROM (SELECT DISTINCT combo FROM host_combo)"
    )
    key_of = dict(con.execute("SELECT item, item_key FROM item_keys").fetchall())
    rows = con.execute("SELECT cid, combo FROM combos").fetchall()
    identities = [matcher.identity(combo_of(key_of[i] for i in combo)) for _, combo in rows]
    table = pa.table(
        {
            "cid": pa.array([cid for cid, _ in rows], pa.int64()),
            "manufacturer": [i.manufacturer for i in identities],
            "maker_fold": [fold(i.manufacturer) if i.manufacturer else None for i in identities],
            "brand": [i.brand for i in identities],
            "brand_kind": [i.brand_kind for i in identities],
            "device_type": [i.device_type for i in identities],
            "confidence": pa.array([i.confidence for i in identities], pa.float64()),
            "band": [i.band for i in identities],
            "covered": pa.array([i.covered for i in identities], pa.bool_()),
            "lists": [i.lists for i in identities],
        }
    )
    con.register("ident_arrow", table)
    con.execute("CREATE TABLE ident AS SELECT * FROM ident_arrow")
    con.unregister("ident_arrow")
    con.execute(
        """CREATE TABLE host_ident AS
        WITH host_cid AS (SELECT c.addr, k.cid FROM host_combo c JOIN combos k USING (combo))
        SELECT h.addr, h.cc, i.* EXCLUDE (cid), coalesce(s.services, 0) AS services
        FROM hosts h JOIN host_cid hc USING (addr) JOIN ident i USING (cid)
        LEFT JOIN (
            SELECT hi.addr, count(DISTINCT hi.port) AS services
            FROM host_items hi JOIN host_cid hc USING (addr) JOIN ident i2 USING (cid)
            JOIN item_keys ik USING (item)
            WHERE hi.port IS NOT NULL AND ik.maker_fold = i2.maker_fold
            GROUP BY hi.addr
        ) s USING (addr)
        WHERE i.manufacturer IS NOT NULL"""
    )


# --------------------------------------------------------------------------- 5. counts


def _tables(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary], want_hosts: bool) -> CensusTables:
    def table(sql: str, schema: pa.Schema) -> pa.Table:
        return arrow_table(con, sql).cast(schema)

    con.execute(
        """CREATE TABLE host_services AS
        SELECT r.addr, count(DISTINCT f.port) AS services
        FROM flat f JOIN recs r USING (file, n)
        WHERE f.port IS NOT NULL AND r.addr IS NOT NULL AND NOT starts_with(f.kind, '#') AND NOT starts_with(f.kind, '!')
        GROUP BY r.addr"""
    )
    return CensusTables(
        footprint=table(counts.FOOTPRINT_SQL, FOOTPRINT_SCHEMA),
        brands=table(counts.BRANDS_SQL, BRANDS_SCHEMA),
        countries=table(counts.COUNTRIES_SQL, COUNTRIES_SCHEMA),
        files=summaries,
        hosts=table(counts.HOSTS_SQL, HOSTS_SCHEMA) if want_hosts else None,
    )
