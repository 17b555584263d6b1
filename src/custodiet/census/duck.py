"""The DuckDB engine: one machine, no set-up, memory bounded whatever the input size.

1. Each file is read 32 MB of lines at a time (lines.py, on a thread of its own; Parquet rows
   as JSON). DuckDB cuts the chunk into pieces with its format's SQL (formats.py) into an
   in-memory table and hashes each piece. From it go, as narrow rows without text: the records
   (file, address, country, count) and the pieces (address, port, hash). Only the pieces whose
   hash was never seen go, one of each, to the matcher (evidence.Matcher: the audit readers'
   derivations, Identifier.match_many; pieces that differ only beyond what their derivation
   reads go once, derive.derivation_texts_sql()), which runs on a thread of its own: it matches
   one chunk's new pieces while DuckDB, which lets go of the GIL, cuts the next. The pieces
   that hit something come back as answers (hash -> items).
   A Shodan file (plain, gzip or zstd) is first offered to DuckDB's typed JSON reader
   (typed.py), which gives the same tables from one parallel parse of the file (two for a file
   too large to keep its texts in memory); a file it cannot read exactly is read as above. A
   plain file that ends in a record broken off (a download that stopped) is offered as a copy
   without that line, which is counted as the exact way counts it.
2. Per host (per_host.py): addresses are normalised once per distinct spelling; the hosts,
   their countries and services are found on a cursor of their own (background.py) while the
   matcher finishes and the identities are found (they need no answer); each host's answers
   make its combo (most hosts show one answer: its items), the
   DISTINCT combos are fused (identify.fusion, as audit does), and everything is counted in SQL
   (counts.py, shared with the Spark engine). Statements that do not depend on each other run
   side by side: one over a few hundred thousand rows keeps only part of DuckDB's threads busy.

Memory: DuckDB works in memory up to --memory and writes what it holds (tables too) to a
spill folder under the work directory beyond it; Python holds two chunks of lines, one batch
of new pieces being matched (the pieces waiting for the matcher are DuckDB tables, two at most)
and caches that are bounded.

Pieces are told apart by DuckDB's 64-bit hash of (kind, raw): two different pieces with the
same hash (odds about n^2 / 2^65 for n distinct pieces: 3e-8 for a million) would share one
answer, which a census of counts cannot show; the ports of one host are compared by their
hashes alike. (No hash of a list is used: DuckDB's mixes its items' hashes weakly.)
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.census import counts, formats, lines, per_host, typed
from custodiet.census.arrow_results import arrow_reader, arrow_table
from custodiet.census.background import Background
from custodiet.census.derive import derivation_texts_sql
from custodiet.census.evidence import Matcher
from custodiet.census.model import (
    CensusTables,
    EngineOptions,
    FileSummary,
    PlannedFile,
    Progress,
)

BATCH = 16_384  # distinct pieces per matcher call
CHUNK_BYTES = 32 << 20  # lines cut at a time (the cut pieces of a chunk are held in memory)
CHUNK_ROWS = 65_536  # Parquet rows cut at a time


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
    con: duckdb.DuckDBPyConnection | None = None
    try:
        con = connect(":memory:", options, spill=work / "spill")
        _create_load_tables(con)
        worker = _MatchWorker(con, matcher)
        beside: list[Background] = []
        try:
            with _stage(stages, "read and cut"):
                summaries = _load(con, files, worker, work, progress, options.typed_reader)
            with _stage(stages, "addresses"):
                per_host.addresses(con, summaries)
            # The hosts need no answer: they are found beside the matcher and the identities.
            beside = [Background(con, per_host.hosts)]
            with _stage(stages, "matching left"):
                ids = worker.finish()
            per_host.item_keys(con, ids)
            with _stage(stages, "identities"):
                per_host.identify(con, matcher, beside[0].join)
                per_host.drop_reads(con)
        finally:
            worker.close()
            for statement in beside:
                statement.close()
        with _stage(stages, "counts"):
            tables = _tables(con, summaries, want_hosts)
        tables.stages = stages
        return tables
    finally:
        _release(con, work)


def _release(con: duckdb.DuckDBPyConnection | None, work: Path) -> None:
    """Close the connection and remove the work folder (spill files, copies) on a thread of
    their own: DuckDB takes about 10 ms to free a census's tables, which the outputs need not
    wait for. The thread is no daemon: the process waits for it before it exits."""
    import threading

    def release() -> None:
        try:
            if con is not None:
                con.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    threading.Thread(target=release, name="census-release").start()


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
    work: Path,
    progress: Progress | None,
    typed_reader: bool = True,
) -> list[FileSummary]:
    """Read each file into narrow tables (module docstring), seen through three views:
    recs(file, addr, cc, k), pieces(addr, port, h) and host_rows(addr, cc, k, port: the
    records and their services, one row or more per service; a row is a record when k > 0, a
    service when port is not NULL) (raw_recs and cut_pieces for the files read line by
    line, a table of narrow rows per file for those the typed reader takes); the new pieces go
    to the matcher (`worker`), which fills answers(h, items) on a thread of its own: while it
    matches, DuckDB (which lets go of the GIL) reads on, then finds the hosts. Addresses are
    as the records spell them."""
    typed_tables: list[str] = []
    summaries = [
        _load_file(con, index, planned, worker, progress, typed_tables if typed_reader else None, work)
        for index, planned in enumerate(files)
    ]
    con.execute("DROP TABLE IF EXISTS cut")
    records = ["SELECT file, addr, cc, k FROM raw_recs", *(typed.records_of(t) for t in typed_tables)]
    pieces = ["SELECT addr, port, h FROM cut_pieces", *(typed.pieces_sql(t) for t in typed_tables)]
    con.execute(f"CREATE VIEW recs AS {' UNION ALL '.join(records)}")
    con.execute(f"CREATE VIEW pieces AS {' UNION ALL '.join(pieces)}")
    host_rows = [
        "SELECT addr, cc, k, NULL AS port FROM raw_recs",
        "SELECT addr, NULL AS cc, 0 AS k, port FROM cut_pieces WHERE port IS NOT NULL",
        *(typed.host_rows_sql(t) for t in typed_tables),
    ]
    con.execute(f"CREATE VIEW host_rows AS {' UNION ALL '.join(host_rows)}")
    return summaries


def _load_file(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedFile,
    worker: _MatchWorker,
    progress: Progress | None,
    typed_tables: list[str] | None,
    work: Path,
) -> FileSummary:
    """One file into the tables: by DuckDB's typed reader when it can give the file's rows
    (typed.py: a table of its own, named in `typed_tables`; None: never), else line by line,
    cut by the format's SQL."""
    if typed_tables is not None and typed.eligible(planned):
        if progress:
            progress(planned.label, 0, False)
        table = f"typed_recs_{index}"
        summary = FileSummary(planned.label, planned.format)
        hand_over = functools.partial(_hand_over, con, worker, distinct=True)
        try:
            broken = _broken_last_line(con, index, planned)
            if broken:
                records = _without_last_line(con, index, planned, broken, work, hand_over, table)
                summary.skipped["file ends mid-record"] += 1
            else:
                records = typed.load(con, index, planned, hand_over, table)
        except (typed.Refused, _NoRoom):
            pass
        else:
            typed_tables.append(table)
            if progress:
                progress(planned.label, records, True)
            return summary
    return _cut_file(con, index, planned, worker, progress)


class _NoRoom(Exception):
    """No copy of the file without its last line could be made in the work folder (too little
    room, or the copy failed): the exact way reads the file."""


def _broken_last_line(con: duckdb.DuckDBPyConnection, index: int, planned: PlannedFile) -> int:
    """The length of a plain file's last line when it is a record broken off (a download that
    stopped): a last line without its newline that the exact way finds malformed JSON (and
    counts "file ends mid-record", reading the rest); else 0. DuckDB's reader would refuse the
    whole file for it, after parsing all of it."""
    if planned.packing is not None:
        return 0
    tail = lines.cut_tail(planned.path, planned.label)
    return len(tail) if tail is not None and _broken_record(con, index, planned.format, tail) else 0


def _without_last_line(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedFile,
    last: int,
    work: Path,
    hand_over: Callable[[str], None],
    table: str,
) -> int:
    """typed.load() of a copy of the file without its last line (`last` bytes), made in the work
    folder by the kernel (0.06 s for 140 MB) and removed once read; raises _NoRoom when the
    folder has not twice its size free, typed.Refused as typed.load() does."""
    length = planned.path.stat().st_size - last
    if shutil.disk_usage(work).free < 2 * length:
        raise _NoRoom
    copy = work / f"without-last-line-{index}"
    try:
        try:
            lines.copy_head(planned.path, copy, length)
        except OSError as exc:
            raise _NoRoom from exc
        return typed.load(con, index, replace(planned, path=copy), hand_over, table)
    finally:
        copy.unlink(missing_ok=True)


def _broken_record(con: duckdb.DuckDBPyConnection, index: int, fmt: str, line: bytes) -> bool:
    """Whether the exact way finds `line` (a file's unterminated last line) malformed JSON, as
    it finds a record broken off."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False  # the exact way counts it "not UTF-8"
    con.register("tail_line", pa.table({"n": [1], "line": [text]}, lines.SCHEMA))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW src AS SELECT {index}::INTEGER AS file, n, line FROM tail_line"
        )
        found = con.execute(f"SELECT kind, raw FROM ({_tagged(fmt)})").fetchall()
    finally:
        con.unregister("tail_line")
    return found == [("#bad", "malformed JSON")]


def _hand_over(
    con: duckdb.DuckDBPyConnection, worker: _MatchWorker, sql: str, distinct: bool = False
) -> None:
    """The pieces (h, kind, raw) of `sql` never seen before, one of each hash, to the matcher:
    in a table of their own, which DuckDB holds (and spills beyond --memory) and the matcher
    reads a batch at a time, then drops. Python holds one batch, however many pieces a file
    has new (a typed read hands over all the distinct pieces of a file at once). `distinct`:
    `sql` gives one row per hash already (the typed reader's queries), not grouped again."""
    name = worker.next_table()
    new = f"FROM ({sql}) c WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.h = c.h)"
    if distinct:
        con.execute(f"CREATE TABLE {name} AS SELECT h, kind, raw {new}")
    else:
        con.execute(
            f"CREATE TABLE {name} AS SELECT h, any_value(kind) AS kind, any_value(raw) AS raw {new} GROUP BY h"
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
                alike = f"SELECT kind, text AS raw, list(h) AS hs FROM ({derivation_texts_sql(table)}) GROUP BY kind, text"
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


# --------------------------------------------------------------------------- 2. counts


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
