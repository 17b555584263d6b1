"""The DuckDB engine: one machine, no set-up, memory bounded whatever the input size.

1. Each file is read 32 MB of lines at a time (lines.py, on a thread of its own; Parquet rows
   as JSON). DuckDB cuts the chunk into pieces with its format's SQL (formats.py) into an
   in-memory table and hashes each piece. From it go, as narrow rows without text: the
   records (file, address, country, count) and the pieces (address, port, hash). Only the
   pieces whose hash was never seen go, one of each, to the matcher (evidence.Matcher: the
   audit readers' derivations, Identifier.match_many), which runs on a thread of its own: it
   matches one chunk's new pieces while DuckDB, which lets go of the GIL, cuts the next. The
   pieces that hit something come back as answers (hash -> items).
   A Shodan file (plain, gzip or zstd) is first offered to DuckDB's typed JSON reader
   (typed.py), which gives the same tables from one parallel parse of the file (two for a
   file too large to keep its texts in memory); a file it cannot read exactly is read as
   above.
2. Addresses are normalised once per distinct spelling; the hosts get their country on a
   cursor of their own (background.py) while the matcher finishes and the identities are
   found (that needs no answer); each host's answers make its combo, the DISTINCT combos are
   fused (identify.fusion, as audit does), and everything is counted in SQL (counts.py,
   shared with the Spark engine). Statements that do not depend on each other run side by
   side: one over a few hundred thousand rows keeps only part of DuckDB's threads busy.

Memory: DuckDB works in memory up to --memory and writes what it holds (tables too) to a
spill folder under the work directory beyond it; Python holds two chunks of lines, one batch
of new pieces being matched (the pieces waiting for the matcher are DuckDB tables, two at most)
and caches that are bounded.

Pieces are told apart by DuckDB's 64-bit hash of (kind, raw): two different pieces with the
same hash (odds about n^2 / 2^65 for n distinct pieces: 3e-8 for a million) would share one
answer, which a census of counts cannot show. (No hash of a list is used: DuckDB's mixes its
items' hashes weakly.)
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.census import counts, formats, lines, places, typed
from custodiet.census.background import Background
from custodiet.census.derive import DERIVATION_TEXT_SQL
from custodiet.census.evidence import Matcher, combo_of, item_maker
from custodiet.census.model import (
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
    con.execute(typed.MACROS)
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
            _create_load_tables(con)
            worker = _MatchWorker(con, matcher)
            beside: list[Background] = []
            try:
                with _stage(stages, "read and cut"):
                    summaries = _load(con, files, worker, progress, options.typed_reader)
                with _stage(stages, "addresses"):
                    _addresses(con, summaries)
                # Neither needs an answer: both run beside the matcher and the identities.
                beside = [Background(con, _hosts), Background(con, _host_services)]
                with _stage(stages, "matching left"):
                    ids = worker.finish()
                _item_keys(con, ids)
                with _stage(stages, "identities"):
                    _identify(con, matcher, beside[0].join)
                    beside[1].join()
                    _drop_reads(con)
            finally:
                worker.close()
                for statement in beside:
                    statement.close()
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


def _create_load_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE raw_recs (file INTEGER, addr VARCHAR, cc VARCHAR, k BIGINT)")
    con.execute("CREATE TABLE cut_pieces (addr VARCHAR, port VARCHAR, h UBIGINT)")
    con.execute("CREATE TABLE seen (h UBIGINT)")
    con.execute("CREATE TABLE answers (h UBIGINT, items INTEGER[])")


def _load(
    con: duckdb.DuckDBPyConnection,
    files: list[PlannedFile],
    worker: _MatchWorker,
    progress: Progress | None,
    typed_reader: bool = True,
) -> list[FileSummary]:
    """Read each file into narrow tables (module docstring), seen through three views:
    recs(file, addr, cc, k), pieces(addr, port, h) and services(addr, port: of the pieces with
    a port, one row or more per service) (raw_recs and cut_pieces for the files read line by
    line, a table of narrow rows per file for those the typed reader takes); the new pieces go
    to the matcher (`worker`), which fills answers(h, items) on a thread of its own: while it
    matches, DuckDB (which lets go of the GIL) reads on, then finds the hosts. Addresses are
    as the records spell them."""
    typed_tables: list[str] = []
    summaries = [
        _load_file(con, index, planned, worker, progress, typed_tables if typed_reader else None)
        for index, planned in enumerate(files)
    ]
    con.execute("DROP TABLE IF EXISTS cut")
    records = ["SELECT file, addr, cc, k FROM raw_recs", *(typed.records_of(t) for t in typed_tables)]
    pieces = ["SELECT addr, port, h FROM cut_pieces", *(typed.pieces_sql(t) for t in typed_tables)]
    con.execute(f"CREATE VIEW recs AS {' UNION ALL '.join(records)}")
    con.execute(f"CREATE VIEW pieces AS {' UNION ALL '.join(pieces)}")
    services = [
        "SELECT addr, port FROM cut_pieces WHERE port IS NOT NULL",
        *(typed.services_sql(t) for t in typed_tables),
    ]
    con.execute(f"CREATE VIEW services AS {' UNION ALL '.join(services)}")
    return summaries


def _load_file(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedFile,
    worker: _MatchWorker,
    progress: Progress | None,
    typed_tables: list[str] | None,
) -> FileSummary:
    """One file into the tables: by DuckDB's typed reader when it can give the file's rows
    (typed.py: a table of its own, named in `typed_tables`; None: never), else line by line,
    cut by the format's SQL."""
    if typed_tables is not None and typed.eligible(planned):
        if progress:
            progress(planned.label, 0, False)
        try:
            table = f"typed_recs_{index}"
            records = typed.load(con, index, planned, lambda sql: _hand_over(con, worker, sql), table)
        except typed.Refused:
            pass
        else:
            typed_tables.append(table)
            if progress:
                progress(planned.label, records, True)
            return FileSummary(planned.label, planned.format)
    return _cut_file(con, index, planned, worker, progress)


def _hand_over(con: duckdb.DuckDBPyConnection, worker: _MatchWorker, sql: str) -> None:
    """The pieces (h, kind, raw) of `sql` never seen before, one of each hash, to the matcher:
    in a table of their own, which DuckDB holds (and spills beyond --memory) and the matcher
    reads a batch at a time, then drops. Python holds one batch, however many pieces a file
    has new (a typed read hands over all the distinct pieces of a file at once)."""
    name = worker.next_table()
    con.execute(
        f"CREATE TABLE {name} AS SELECT h, any_value(kind) AS kind, any_value(raw) AS raw FROM ({sql}) c "
        "WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.h = c.h) GROUP BY h"
    )
    [(count,)] = con.execute(f"SELECT count(*) FROM {name}").fetchall()
    if not count:
        con.execute(f"DROP TABLE {name}")
        return
    con.execute(f"INSERT INTO seen SELECT h FROM {name}")
    worker.put(name)


def _cut_file(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedFile,
    worker: _MatchWorker,
    progress: Progress | None,
) -> FileSummary:
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
        con.execute("INSERT INTO cut_pieces SELECT addr, port, h FROM cut WHERE tag = 1")
        _hand_over(con, worker, "SELECT h, kind, raw FROM cut WHERE tag = 1")
    summary.skipped.update(tally.skipped)
    if tally.unterminated is not None and last_bad == (tally.unterminated, "malformed JSON"):
        summary.skipped["malformed JSON"] -= 1
        if not summary.skipped["malformed JSON"]:
            del summary.skipped["malformed JSON"]
        summary.skipped["file ends mid-record"] += 1
    if progress:
        progress(planned.label, tally.lines, True)
    return summary


class _MatchWorker:
    """The matcher on a thread: tables of new pieces (h, kind, raw) in, read a batch at a time
    through a connection of its own; answers (h, items) of the pieces that hit something
    appended to `answers` through another. At most two tables wait for it (the queue is
    bounded), and DuckDB holds them, so memory stays bounded."""

    def __init__(self, con: duckdb.DuckDBPyConnection, matcher: Matcher) -> None:
        import queue
        import threading

        self.matcher = matcher
        self.ids: dict[str, int] = {}  # item key -> small integer (hosts' items are compared as those)
        self.reader = con.cursor()
        self.writer = con.cursor()
        self.tables = 0
        self.queue: queue.Queue[str | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="census-matcher", daemon=True)
        self.thread.start()

    def next_table(self) -> str:
        """A name for the next table of new pieces."""
        self.tables += 1
        return f"new_pieces_{self.tables}"

    def put(self, table: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(table)

    def finish(self) -> dict[str, int]:
        """Wait for the pieces handed over; the item keys by id (raises what the thread raised)."""
        self.close()
        if self.error is not None:
            raise self.error
        return self.ids

    def close(self) -> None:
        """Let the thread finish and wait for it, whatever became of it (again: nothing)."""
        if self.closed:
            return
        self.closed = True
        self.queue.put(None)
        self.thread.join()
        self.reader.close()
        self.writer.close()

    def _run(self) -> None:
        while True:
            table = self.queue.get()
            if table is None:
                return
            if self.error is not None:
                continue  # drain: the main thread raises at its next put() or at finish()
            try:
                # Pieces that derive alike go to the matcher once, with all their hashes.
                alike = (
                    f"SELECT kind, text AS raw, list(h) AS hs FROM "
                    f"(SELECT h, kind, {DERIVATION_TEXT_SQL} AS text FROM {table}) GROUP BY kind, text"
                )
                for batch in arrow_reader(self.reader, alike, BATCH):
                    self._answer(batch)
                self.reader.execute(f"DROP TABLE {table}")
            except BaseException as exc:  # handed to the main thread
                self.error = exc

    def _answer(self, pieces: pa.RecordBatch) -> None:
        """Match a batch of (kind, raw, hs) and append the answers of every hash that hits."""
        kinds = pieces.column("kind").to_pylist()
        raws = pieces.column("raw").to_pylist()
        hit_rows: list[int] = []
        hit_items: list[list[int]] = []
        ids = self.ids
        for offset, keys in enumerate(self.matcher.items(kinds, raws)):
            if keys:
                hit_rows.append(offset)
                hit_items.append([ids.setdefault(key, len(ids)) for key in keys])
        if hit_rows:
            hashes = pieces.column("hs").take(pa.array(hit_rows))
            repeat = pc.list_value_length(hashes).to_numpy()
            found = pa.table(
                {
                    "h": pc.list_flatten(hashes),
                    "items": pa.array(
                        [items for items, n in zip(hit_items, repeat, strict=True) for _ in range(n)],
                        pa.list_(pa.int32()),
                    ),
                }
            )
            self.writer.register("answers_arrow", found)
            self.writer.execute("INSERT INTO answers SELECT h, items FROM answers_arrow")
            self.writer.unregister("answers_arrow")


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


def _addresses(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary]) -> None:
    """addr_map: each distinct address spelling that is not already a normal IPv4 address ->
    its normal form (NULL: not an address); the records read and skipped per file."""
    con.execute(
        f"""CREATE TABLE addr_map AS
        SELECT DISTINCT addr AS raw, NULL::VARCHAR AS addr FROM recs
        WHERE addr IS NOT NULL AND NOT regexp_matches(addr, '{places.IPV4_SQL}')"""
    )
    odd = [row[0] for row in con.execute("SELECT raw FROM addr_map").fetchall()]
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
        f"""SELECT file, CASE WHEN raw IS NULL THEN 'no address' WHEN addr IS NULL THEN 'bad address' END, sum(k)
        FROM {_spelled(con)} GROUP BY ALL"""
    ).fetchall():
        if reason is None:
            summaries[file].records = count
        else:
            summaries[file].skipped[reason] += count


def _spelled(con: duckdb.DuckDBPyConnection) -> str:
    """recs with each record's normal address (addr, NULL when none) and its spelling (raw)."""
    [(odd,)] = con.execute("SELECT count(*) FROM addr_map").fetchall()
    return (
        """(SELECT r.file, CASE WHEN m.raw IS NULL THEN r.addr ELSE m.addr END AS addr, r.addr AS raw, r.cc, r.k
        FROM recs r LEFT JOIN addr_map m ON m.raw = r.addr)"""
        if odd
        else "(SELECT file, addr, addr AS raw, cc, k FROM recs)"
    )


def _hosts(con: duckdb.DuckDBPyConnection) -> None:
    """hosts: one row per address with its country (the records' most frequent one, the
    greater code on a tie; else the registry's)."""
    spelled = _spelled(con)
    con.execute(
        f"""CREATE TABLE hosts AS
        SELECT addr, arg_max(cc, (k, cc)) FILTER (WHERE cc IS NOT NULL) AS cc,
            CASE WHEN count(cc) > 0 THEN 'record' END AS cc_source
        FROM (
            SELECT addr, CASE WHEN regexp_matches(cc, '{places.COUNTRY_SQL}') THEN upper(cc) END AS cc, sum(k) AS k
            FROM {spelled}
            WHERE addr IS NOT NULL
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


def _identify(con: duckdb.DuckDBPyConnection, matcher: Matcher, hosts: Callable[[], None]) -> None:
    """The pieces (with their host's normal address: `pieces` as it is when every address is
    spelled in its normal form, else joined to addr_map) give each host's hits (the address,
    port and hash of each piece that hit something). Each host's answers (the distinct hashes of its hits, sorted: most hosts show
    one) are grouped with its hits; each distinct set of answers gets its combo (the items of
    its answers, distinct and sorted), and each distinct combo is fused once (ident,
    numbered). host_ident is the hosts whose combo names a maker, with the services whose
    own pieces name that maker (set_support: per set of answers, those whose items name the
    maker its combo names); the identity's columns are joined from ident where they are
    counted (a view), not copied to every host. Sets and combos are joined as lists, never by
    hash: DuckDB's hash of a list is a weak mix of its items' hashes ([0, 9, 68] and [0, 13,
    64] share one)."""

    pieces = (
        _normal("pieces", "p.port, p.h")
        if _respelled(con)
        else "(SELECT * FROM pieces WHERE addr IS NOT NULL)"
    )
    _name_hosts(con, matcher, pieces, hosts)
    con.execute(
        """CREATE VIEW host_ident AS
        SELECT n.addr, n.cc, i.* EXCLUDE (cid, combo), n.services
        FROM host_ident_narrow n JOIN ident i USING (cid)"""
    )


def _host_services(con: duckdb.DuckDBPyConnection) -> None:
    """host_services: each host's services (distinct ports seen with some text); needs no answer."""
    ports = (
        _normal("services", "p.port")
        if _respelled(con)
        else "(SELECT * FROM services WHERE addr IS NOT NULL)"
    )
    con.execute(
        f"CREATE TABLE host_services AS SELECT addr, count(DISTINCT port) AS services FROM {ports} GROUP BY addr"
    )


def _respelled(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether some address is spelled otherwise than in its normal form (addr_map)."""
    [(count,)] = con.execute("SELECT count(*) FROM addr_map WHERE addr IS DISTINCT FROM raw").fetchall()
    return bool(count)


def _drop_reads(con: duckdb.DuckDBPyConnection) -> None:
    """The views of what was read, and the pieces of the files read line by line: counted."""
    con.execute("DROP VIEW pieces")
    con.execute("DROP VIEW services")
    con.execute("DROP TABLE cut_pieces")


def _normal(relation: str, columns: str) -> str:
    """`relation` (addr first) with each address in its normal form (rows of no address left out)."""
    return f"""(SELECT CASE WHEN m.raw IS NULL THEN p.addr ELSE m.addr END AS addr, {columns}
        FROM {relation} p LEFT JOIN addr_map m ON m.raw = p.addr
        WHERE p.addr IS NOT NULL AND (m.raw IS NULL OR m.addr IS NOT NULL))"""


def _name_hosts(
    con: duckdb.DuckDBPyConnection, matcher: Matcher, pieces: str, hosts: Callable[[], None]
) -> None:
    """host_answers, answer_sets, ident, answer_makers, set_support and host_ident_narrow of
    _identify(), from `pieces` (a relation of addr, port, h); `hosts` waits for the hosts
    table, which only host_ident_narrow reads."""
    from custodiet.catalog import fold

    # Most hosts show one answer: a host's answers (their hashes, distinct and sorted) and its
    # hits (port, answer) are grouped cheaply, and only each distinct set of answers is made
    # into its combo.
    con.execute(
        f"""CREATE TABLE host_answers AS
        SELECT addr, list_sort(list_distinct(list(h))) AS hs, list({{'port': port, 'h': h}}) AS hits
        FROM {pieces} p SEMI JOIN answers a USING (h) GROUP BY addr"""
    )
    con.execute(
        """CREATE TABLE answer_sets AS
        SELECT hs, list_sort(list_distinct(flatten(list(a.items)))) AS combo
        FROM (SELECT hs, unnest(hs) AS h FROM (SELECT DISTINCT hs FROM host_answers)) JOIN answers a USING (h)
        GROUP BY hs"""
    )
    key_of = dict(con.execute("SELECT item, item_key FROM item_keys").fetchall())
    combos = [combo for (combo,) in con.execute("SELECT DISTINCT combo FROM answer_sets").fetchall()]
    identities = [matcher.identity(combo_of(key_of[i] for i in combo)) for combo in combos]
    table = pa.table(
        {
            "cid": pa.array(range(len(combos)), pa.int32()),
            "combo": pa.array(combos, pa.list_(pa.int32())),
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
    con.execute("CREATE TABLE ident AS SELECT * FROM ident_arrow WHERE manufacturer IS NOT NULL")
    con.unregister("ident_arrow")
    con.execute(
        """CREATE TABLE answer_makers AS
        SELECT DISTINCT a.h, k.maker_fold
        FROM (SELECT h, unnest(items) AS item FROM answers) a JOIN item_keys k USING (item)
        WHERE k.maker_fold IS NOT NULL"""
    )
    # Per set of answers and the maker its combo names: the answers whose own items name
    # that maker (a host's services that support its identity are the ports of those).
    con.execute(
        """CREATE TABLE set_support AS
        SELECT x.hs, any_value(x.cid) AS cid, list(x.h) FILTER (WHERE am.h IS NOT NULL) AS supporting
        FROM (SELECT s.hs, i.cid, i.maker_fold, unnest(s.hs) AS h FROM answer_sets s JOIN ident i USING (combo)) x
        LEFT JOIN answer_makers am ON am.h = x.h AND am.maker_fold = x.maker_fold
        GROUP BY x.hs"""
    )
    hosts()
    con.execute(
        """CREATE TABLE host_ident_narrow AS
        SELECT a.addr, h.cc, s.cid, length(list_distinct(list_transform(
            list_filter(a.hits, lambda x: list_contains(coalesce(s.supporting, []), x.h)), lambda x: x.port))) AS services
        FROM host_answers a JOIN set_support s USING (hs) JOIN hosts h USING (addr)"""
    )


# --------------------------------------------------------------------------- 4. counts


def _tables(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary], want_hosts: bool) -> CensusTables:
    """counts.count()'s queries, run side by side, each on a cursor of its own."""
    from concurrent.futures import ThreadPoolExecutor

    def on_cursor(sql: str) -> pa.Table:
        cursor = con.cursor()
        try:
            return arrow_table(cursor, sql)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="census-count") as pool:
        started = {sql: pool.submit(on_cursor, sql) for sql in counts.queries(want_hosts)}
        return counts.count(lambda sql, schema: started[sql].result().cast(schema), summaries, want_hosts)
