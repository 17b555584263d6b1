"""The DuckDB engine: one machine, no set-up, memory bounded whatever the input size.

1. Each file streams in as Arrow batches of lines (lines.py; Parquet rows as JSON) through its
   format's flatten SQL (formats.py), which cuts records into pieces and hashes each piece;
   the result streams out to Python in Arrow batches (no table of pieces is ever built).
   Per batch, only the pieces whose hash was not seen before go to the matcher
   (evidence.Matcher: the audit readers' derivations, Identifier.match_many); what is kept is
   narrow and has no text: records (file, address, country), services (address, port) and the
   pieces that hit something (address, port, hash), plus the answers (hash -> items).
   DuckDB cuts the next batches on its own threads while Python matches this one.
2. Addresses are normalised once per distinct spelling, hosts get their country, and each
   host's items make its combo; the DISTINCT combos are fused (identify.fusion, as audit does)
   and everything is counted in SQL.

Memory: DuckDB works in a database file under a temporary folder with a memory limit and
spills to disk beyond it; Python holds one batch at a time, a bounded array of the piece
hashes it has seen and caches that are bounded. So the resident size stays flat as the input
grows (bench/census_speed.py --memory).

Pieces are told apart by DuckDB's 64-bit hash of (kind, raw): two different pieces with the
same hash (odds about n^2 / 2^65 for n distinct pieces: 3e-8 for a million) would share one
answer; a census reports counts, where that cannot be seen.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
CHUNK_BYTES = 32 << 20  # lines cut at a time (the cut pieces of a chunk are held in memory)
CHUNK_ROWS = 65_536  # Parquet rows cut at a time


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


def connect(
    database: Path | str, options: EngineOptions, spill: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the census macros and the memory limit; beyond the limit,
    DuckDB writes what it holds (tables of an in-memory database too) to `spill`."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": options.memory_limit,
        "preserve_insertion_order": False,
    }
    if options.threads:
        config["threads"] = options.threads
    if spill is not None:
        config["temp_directory"] = str(spill)
    elif str(database) != ":memory:":
        config["temp_directory"] = str(Path(database).parent / "spill")
    con = duckdb.connect(str(database), config=config)
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
    stages: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="custodiet-census-", dir=options.work_dir))
    try:
        con = connect(":memory:", options, spill=work / "spill")
        try:
            with _stage(stages, "read, cut and match"):
                summaries = _load(con, files, matcher, progress)
            with _stage(stages, "hosts and countries"):
                _hosts(con, summaries)
            with _stage(stages, "identities"):
                _identify(con, matcher)
            with _stage(stages, "counts"):
                tables = _tables(con, summaries, want_hosts)
            tables.stages = stages
            return tables
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        stages[name] = time.perf_counter() - started
        stages[name + " (cpu)"] = time.process_time() - cpu


# --------------------------------------------------------------------------- 1. read, cut and match


def _tagged(fmt: str) -> str:
    """A format's flatten query with each row's role (0 record, 1 piece, 2 skipped) and the
    hash of its piece."""
    return f"""SELECT file, n, addr, cc, port, kind, raw,
        CASE WHEN kind = '#rec' THEN 0 WHEN kind = '#bad' OR starts_with(kind, '!') THEN 2 ELSE 1 END::UTINYINT AS tag,
        hash(kind, raw) AS h
    FROM ({formats.flatten_sql(fmt)})"""


def _load(
    con: duckdb.DuckDBPyConnection,
    files: list[PlannedFile],
    matcher: Matcher,
    progress: Progress | None,
) -> list[FileSummary]:
    """Read each file a chunk at a time into the narrow tables (module docstring):
    raw_recs(file, addr, cc, k), services(addr, port), hits(addr, port, h), answers(h, items)
    and item_keys(item, item_key, maker_fold). Addresses are as the records spell them."""
    con.execute("CREATE TABLE raw_recs (file INTEGER, addr VARCHAR, cc VARCHAR, k BIGINT)")
    con.execute("CREATE TABLE services (addr VARCHAR, port VARCHAR)")
    con.execute("CREATE TABLE hits (addr VARCHAR, port VARCHAR, h UBIGINT)")
    con.execute("CREATE TABLE seen (h UBIGINT)")
    con.execute("CREATE TABLE answers (h UBIGINT, items INTEGER[])")
    ids: dict[str, int] = {}  # item key -> small integer (hosts' items are compared as those)
    summaries = []
    for index, planned in enumerate(files):
        summary = FileSummary(planned.label, planned.format)
        tally = lines.Tally()
        last_bad: tuple[int, str] | None = None  # the skipped line read last (a file cut mid-record?)
        flatten = _tagged(planned.format)
        for chunk in _chunks(planned, tally, progress):
            con.register("chunk_lines", chunk)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW src AS SELECT {index}::INTEGER AS file, n, line FROM chunk_lines"
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE cut AS {flatten}")
            con.unregister("chunk_lines")
            for n, kind, raw in con.execute("SELECT n, kind, raw FROM cut WHERE tag = 2").fetchall():
                reason = raw if kind == "#bad" else kind[1:]
                summary.skipped[reason] += 1
                if kind == "#bad" and (last_bad is None or n > last_bad[0]):
                    last_bad = (n, reason)
            con.execute(
                "INSERT INTO raw_recs SELECT file, addr, cc, count(*) FROM cut WHERE tag = 0 GROUP BY ALL"
            )
            con.execute(
                "INSERT INTO services SELECT DISTINCT addr, port FROM cut WHERE tag = 1 AND port IS NOT NULL"
            )
            _match_new(con, matcher, ids)
            con.execute(
                "INSERT INTO hits SELECT DISTINCT addr, port, h FROM cut WHERE tag = 1 AND h IN (SELECT h FROM answers)"
            )
        con.execute("DROP TABLE IF EXISTS cut")
        summary.skipped.update(tally.skipped)
        if tally.unterminated is not None and last_bad == (tally.unterminated, "malformed JSON"):
            summary.skipped["malformed JSON"] -= 1
            if not summary.skipped["malformed JSON"]:
                del summary.skipped["malformed JSON"]
            summary.skipped["file ends mid-record"] += 1
        if progress:
            progress(planned.label, tally.lines, True)
        summaries.append(summary)
    _item_keys(con, ids)
    return summaries


def _match_new(con: duckdb.DuckDBPyConnection, matcher: Matcher, ids: dict[str, int]) -> None:
    """The chunk's pieces not seen before, one of each, through the matcher; those that hit
    something go to `answers` with their items as small integers."""
    new = arrow_table(
        con,
        "SELECT h, any_value(kind) AS kind, any_value(raw) AS raw FROM cut c "
        "WHERE tag = 1 AND NOT EXISTS (SELECT 1 FROM seen s WHERE s.h = c.h) GROUP BY h",
    )
    if not new.num_rows:
        return
    hashes = new.column("h")
    kinds = new.column("kind").to_pylist()
    raws = new.column("raw").to_pylist()
    hit_rows: list[int] = []
    hit_items: list[list[int]] = []
    for start in range(0, len(kinds), BATCH):
        answered = matcher.items(kinds[start : start + BATCH], raws[start : start + BATCH])
        for offset, keys in enumerate(answered):
            if keys:
                hit_rows.append(start + offset)
                hit_items.append([ids.setdefault(key, len(ids)) for key in keys])
    con.register("seen_arrow", pa.table({"h": hashes}))
    con.execute("INSERT INTO seen SELECT h FROM seen_arrow")
    con.unregister("seen_arrow")
    if hit_rows:
        found = pa.table(
            {"h": hashes.take(pa.array(hit_rows)), "items": pa.array(hit_items, pa.list_(pa.int32()))}
        )
        con.register("answers_arrow", found)
        con.execute("INSERT INTO answers SELECT h, items FROM answers_arrow")
        con.unregister("answers_arrow")


def _chunks(planned: PlannedFile, tally: lines.Tally, progress: Progress | None) -> Iterator[pa.Table]:
    """The lines (n, line) of one file, CHUNK_BYTES at a time (Parquet rows written as JSON
    lines by DuckDB, CHUNK_ROWS at a time); the next chunk is read on a thread while the
    engine cuts this one."""
    if planned.packing == "parquet":
        source: Iterator[pa.Table] = _parquet_chunks(planned)
    else:
        source = _line_chunks(planned, tally, progress)
    yield from _ahead(source)


def _line_chunks(planned: PlannedFile, tally: lines.Tally, progress: Progress | None) -> Iterator[pa.Table]:
    held: list[pa.RecordBatch] = []
    size = seen = 0
    for batch in lines.batches(planned.path, planned.label, tally):
        held.append(batch)
        size += batch.nbytes
        seen += batch.num_rows
        if progress:
            progress(planned.label, seen, False)
        if size >= CHUNK_BYTES:
            yield pa.Table.from_batches(held, lines.SCHEMA)
            held, size = [], 0
    if held:
        yield pa.Table.from_batches(held, lines.SCHEMA)


def _parquet_chunks(planned: PlannedFile) -> Iterator[pa.Table]:
    """Parquet rows as JSON text, as DuckDB's to_json writes them, CHUNK_ROWS at a time."""
    con = duckdb.connect()
    try:
        literal = "'" + str(planned.path).replace("'", "''") + "'"
        reader = arrow_reader(
            con,
            f"SELECT file_row_number + 1 AS n, to_json(t)::VARCHAR AS line "
            f"FROM read_parquet({literal}, file_row_number = true) t",
            CHUNK_ROWS,
        )
        for batch in reader:
            yield pa.Table.from_batches([batch]).cast(lines.SCHEMA)
    finally:
        con.close()


def _ahead(source: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """`source`, one item read ahead on a thread (reading and decompressing release the GIL
    for most of their time, so the next chunk is ready when the engine wants it)."""
    import queue
    import threading

    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in source:
                while not stop.is_set():
                    try:
                        handoff.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(done)
        except BaseException as exc:  # handed over, raised in the consumer
            handoff.put(exc)

    thread = threading.Thread(target=produce, name="census-lines", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                handoff.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def _item_keys(con: duckdb.DuckDBPyConnection, ids: dict[str, int]) -> None:
    """item_keys: each item id with its canonical key and the maker it names (folded)."""
    keys = list(ids)
    items = pa.table(
        {
            "item": pa.array(range(len(keys)), pa.int32()),
            "item_key": pa.array(keys, pa.string()),
            "maker_fold": pa.array([item_maker(k) for k in keys], pa.string()),
        }
    )
    con.register("item_arrow", items)
    con.execute("CREATE TABLE item_keys AS SELECT * FROM item_arrow")
    con.unregister("item_arrow")


# --------------------------------------------------------------------------- 2. hosts and countries


def _hosts(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary]) -> None:
    """addr_map: each distinct address spelling -> its normal form (NULL: not an address);
    hosts: one row per address with its country (the records' most frequent one, the greater
    code on a tie; else the registry's); the records read and skipped per file."""
    con.execute(
        f"""CREATE TABLE addr_map AS
        SELECT addr AS raw, CASE WHEN regexp_matches(addr, '{places.IPV4_SQL}') THEN addr END AS addr
        FROM (SELECT DISTINCT addr FROM raw_recs WHERE addr IS NOT NULL)"""
    )
    odd = [row[0] for row in con.execute("SELECT raw FROM addr_map WHERE addr IS NULL").fetchall()]
    if odd:
        mapping = pa.table(
            {
                "raw": pa.array(odd, pa.string()),
                "addr": pa.array(places.normalise_addresses(odd), pa.string()),
            }
        )
        con.register("addr_map_arrow", mapping)
        con.execute(
            "UPDATE addr_map SET addr = m.addr FROM addr_map_arrow m WHERE addr_map.raw = m.raw AND m.addr IS NOT NULL"
        )
        con.unregister("addr_map_arrow")
    for file, reason, count in con.execute(
        """SELECT r.file, CASE WHEN r.addr IS NULL THEN 'no address' WHEN m.addr IS NULL THEN 'bad address' END, sum(r.k)
        FROM raw_recs r LEFT JOIN addr_map m ON m.raw = r.addr GROUP BY ALL"""
    ).fetchall():
        if reason is None:
            summaries[file].records = count
        else:
            summaries[file].skipped[reason] += count
    con.execute(
        f"""CREATE TABLE hosts AS
        SELECT addr, arg_max(cc, (k, cc)) FILTER (WHERE cc IS NOT NULL) AS cc,
            CASE WHEN count(cc) > 0 THEN 'record' END AS cc_source
        FROM (
            SELECT m.addr, CASE WHEN regexp_matches(r.cc, '{places.COUNTRY_SQL}') THEN upper(r.cc) END AS cc, sum(r.k) AS k
            FROM raw_recs r JOIN addr_map m ON m.raw = r.addr
            WHERE m.addr IS NOT NULL
            GROUP BY ALL)
        GROUP BY addr"""
    )
    con.execute("CREATE TABLE registry (addr VARCHAR, cc VARCHAR)")
    cursor = con.cursor()
    try:
        for batch in arrow_reader(cursor, "SELECT addr FROM hosts WHERE cc IS NULL", BATCH * 8):
            addresses = batch.column(0).to_pylist()
            found = pa.table(
                {
                    "addr": pa.array(addresses, pa.string()),
                    "cc": pa.array(places.registry_countries(addresses), pa.string()),
                }
            )
            con.register("registry_arrow", found)
            con.execute("INSERT INTO registry SELECT * FROM registry_arrow WHERE cc IS NOT NULL")
            con.unregister("registry_arrow")
    finally:
        cursor.close()
    con.execute(
        "UPDATE hosts SET cc = r.cc, cc_source = 'registry' FROM registry r WHERE hosts.addr = r.addr AND hosts.cc IS NULL"
    )
    con.execute(f"UPDATE hosts SET cc = '{UNKNOWN_COUNTRY}', cc_source = 'unknown' WHERE cc IS NULL")


# --------------------------------------------------------------------------- 3. identities


def _identify(con: duckdb.DuckDBPyConnection, matcher: Matcher) -> None:
    """host_items: each (address, port, item) of a piece that hit something; each host's items
    (sorted, distinct) make its combo; each distinct combo is fused once."""
    from custodiet.catalog import fold

    con.execute(
        """CREATE TABLE host_items AS
        SELECT m.addr, x.port, unnest(a.items) AS item
        FROM (SELECT DISTINCT addr, port, h FROM hits) x JOIN answers a USING (h) JOIN addr_map m ON m.raw = x.addr
        WHERE m.addr IS NOT NULL"""
    )
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
            "manufacturer": pa.array([i.manufacturer for i in identities], pa.string()),
            "maker_fold": pa.array(
                [fold(i.manufacturer) if i.manufacturer else None for i in identities], pa.string()
            ),
            "brand": pa.array([i.brand for i in identities], pa.string()),
            "brand_kind": pa.array([i.brand_kind for i in identities], pa.string()),
            "device_type": pa.array([i.device_type for i in identities], pa.string()),
            "confidence": pa.array([i.confidence for i in identities], pa.float64()),
            "band": pa.array([i.band for i in identities], pa.string()),
            "covered": pa.array([i.covered for i in identities], pa.bool_()),
            "lists": pa.array([i.lists for i in identities], pa.string()),
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


# --------------------------------------------------------------------------- 4. counts


def _tables(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary], want_hosts: bool) -> CensusTables:
    def table(sql: str, schema: pa.Schema) -> pa.Table:
        return arrow_table(con, sql).cast(schema)

    con.execute(
        """CREATE TABLE host_services AS
        SELECT m.addr, count(DISTINCT s.port) AS services
        FROM (SELECT DISTINCT addr, port FROM services) s JOIN addr_map m ON m.raw = s.addr
        WHERE m.addr IS NOT NULL
        GROUP BY m.addr"""
    )
    return CensusTables(
        footprint=table(counts.FOOTPRINT_SQL, FOOTPRINT_SCHEMA),
        brands=table(counts.BRANDS_SQL, BRANDS_SCHEMA),
        countries=table(counts.COUNTRIES_SQL, COUNTRIES_SCHEMA),
        files=summaries,
        hosts=table(counts.HOSTS_SQL, HOSTS_SCHEMA) if want_hosts else None,
    )
