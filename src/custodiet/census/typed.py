"""Shodan JSON lines (plain, gzip or zstd) read by DuckDB's own JSON reader: the fast way in for
the most common internet-scan export, with the same rows as the exact way (formats.py over
lines.py).

Why a second way: the exact way hands DuckDB the file's lines from Python and parses every
record twice with path lists, so that anything odd in a line (broken JSON, a record that is no
object, a line over MAX_LINE, bytes that are not UTF-8, a value of an unexpected type) is
counted per reason and the rest goes on. Most files hold nothing odd, and for them DuckDB's
reader (parallel, typed: each record parsed once, straight into columns) gives the same pieces
in less time (300,000 records: reading 0.5 s against 1.1 s, bench/census_speed.py).

So a Shodan file (plain, or gzip or zstd, which DuckDB decompresses) is first read here, by
DuckDB's reader, into one table of its records (address, country, port, the hash of each piece
and its text); from that table come the distinct pieces (hash, kind, text; only those the
census has not seen go to the matcher) and the narrow rows (the records' address and country,
the pieces' address, port and hash). A file too large to keep its texts in a quarter of
DuckDB's memory is parsed twice instead, once for the distinct pieces and once for the narrow
rows. The exact way takes the file over, from the start, whenever this one cannot give its
rows: DuckDB's reader refuses the file (broken JSON, a record that is no object or has a
duplicate key, bytes that are not UTF-8, an "http", "location" or certificate that is not an
object, a compressed stream that breaks off), a line is longer than MAX_LINE, or a record holds
a value of a type the columns cannot tell apart from text (an object, list or boolean where the
record's address or transport belongs: as text it would make an address or a port that the exact
way, which takes no such value, does not make; where the port, module or country belongs, its
text is no port, no module and no country code, and comes out NULL as the exact way's value
does). Nothing of the file's records is
kept of an abandoned attempt. (A plain file whose last line is a record broken off is given to
this reader as a copy without that line: duck.py.)

The columns: small leaves as VARCHAR (DuckDB writes strings as they are, numbers as digits,
as formats.c_text does; objects, lists and booleans are the odd values above), texts as JSON
(their type is their first character, so no leaf is parsed again; only each distinct piece's
string is unquoted, once). Piece hashes are taken over (kind, JSON text): they differ from the
exact way's, which is harmless (a piece seen both ways is matched twice, with one answer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb

from custodiet.census import formats, lines
from custodiet.census.model import PlannedFile

# Shodan's fields as DuckDB reader columns (the same fields formats._shodan() reads).
_COLUMNS = (
    "{ip_str: 'VARCHAR', port: 'VARCHAR', transport: 'VARCHAR', "
    "location: 'STRUCT(country_code VARCHAR)', _shodan: 'STRUCT(module VARCHAR)', "
    "data: 'JSON', http: 'STRUCT(server JSON, title JSON, html JSON)', snmp: 'STRUCT(description JSON)', "
    "ssl: 'STRUCT(cert STRUCT(subject JSON, issuer JSON))', hostnames: 'JSON', cpe23: 'JSON', cpe: 'JSON'}"
)
_HOSTNAME = "'list:hostname'"  # the one piece that belongs to no service (it has no port)
# (kind, column, rule): the pieces of a record, as formats._shodan() cuts them. Rules: 'text'
# (a non-empty string or a number), 'banner' (the same, on a record whose service is known),
# 'cert' (any value, under a certificate object), 'list' (an array).
_SLOTS = (
    ("'http.server'", "http.server", "text"),
    ("'http.title'", "http.title", "text"),
    ("'http.body'", "http.html", "text"),
    ("'snmp.sysdescr'", "snmp.description", "text"),
    ("'banner:' || svc", "data", "banner"),
    ("'dn:tls.subject'", "ssl.cert.subject", "cert"),
    ("'dn:tls.issuer'", "ssl.cert.issuer", "cert"),
    (_HOSTNAME, "hostnames", "list"),
    ("'list:cpe'", "cpe23", "list"),
    ("'list:cpe'", "cpe", "list"),
)
# The small leaves (address, port, transport, country, module) whose odd values the exact way
# reads otherwise (module docstring).
_ODD_ONES = ("ip_str", "transport")
# The columns records_sql(texts=True) adds for kept_distinct_sql(), dropped once it has run.
_KEPT_FOR_DISTINCT = ("svc", "odd", *(f"j{i}" for i in range(1, len(_SLOTS) + 1)))

MACROS = """
CREATE OR REPLACE MACRO v_text(v) AS CASE WHEN strlen(v) <= 65536 THEN nullif(v, '') ELSE left(v, 65536) END;
CREATE OR REPLACE MACRO v_odd(v) AS coalesce(left(v, 1) IN ('{', '[') OR v IN ('true', 'false'), false);
CREATE OR REPLACE MACRO j_text(j) AS
    (left(j, 1) = '"' AND j <> '""') OR left(j, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
"""


# What DuckDB's reader raises on input it cannot read: broken or mistyped JSON, bytes that are
# not UTF-8, a compressed stream that breaks off.
_REFUSALS = (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException)


class Refused(Exception):
    """The typed reader cannot give this file's rows: the exact way reads it."""


_COMPRESSION = {None: "none", "gzip": "gzip", "zstd": "zstd"}  # packings DuckDB's reader takes


def eligible(planned: PlannedFile) -> bool:
    """A Shodan file, plain, gzip or zstd, that does not start with a byte-order mark (DuckDB's
    reader would take the mark, the exact way counts that line as malformed)."""
    if planned.format != "shodan" or planned.packing not in _COMPRESSION:
        return False
    return not lines.head_bytes(planned.path, planned.label, 3).startswith(b"\xef\xbb\xbf")


def _records(path: str, packing: str | None) -> str:
    """Each record: address, country, port, service kind and its texts (JSON), and whether
    it holds an odd value (module docstring)."""
    literal = "'" + path.replace("'", "''") + "'"
    odd = " OR ".join(f"v_odd({leaf})" for leaf in _ODD_ONES)
    texts = ", ".join(f"{column} AS j{i}" for i, (_, column, _) in enumerate(_SLOTS, 1))
    kind = formats.service_kind_sql("v_text(_shodan.module)")
    return f"""
        SELECT v_text(ip_str) AS addr, v_text(location.country_code) AS cc,
            c_port(v_text(port), coalesce(v_text(transport), 'tcp')) AS port,
            coalesce({kind}, CASE WHEN http IS NOT NULL THEN 'http' END) AS svc,
            ssl.cert IS NOT NULL AS cert, {texts}, {odd} AS odd
        FROM read_json({literal}, format = 'newline_delimited', records = true, columns = {_COLUMNS},
            compression = '{_COMPRESSION[packing]}')"""


_RULES = {
    "text": "j_text(j{i})",
    "banner": "svc IS NOT NULL AND j_text(j{i})",
    "cert": "cert AND j{i} IS NOT NULL",
    "list": "left(j{i}, 1) = '['",
}


# A piece's text as the exact way gives it (from its JSON j): a string unquoted, a number as
# digits; certificate names and lists as JSON.
_RAW = """CASE WHEN starts_with(kind, 'dn:') OR starts_with(kind, 'list:') OR left(j, 1) <> '"'
    THEN j ELSE j::JSON->>'$' END"""


def _hash(i: int) -> str:
    """The hash of the record's i-th piece (slot i of _SLOTS), NULL when it has none."""
    kind, _, rule = _SLOTS[i - 1]
    return f"CASE WHEN {_RULES[rule].format(i=i)} THEN hash({kind}, j{i}) END"


def distinct_sql(path: str, packing: str | None = None) -> str:
    """Scan 1: each distinct piece (h, kind, raw), raw as the exact way gives it (a string
    unquoted, a number as digits; certificate names and lists as JSON), and one row of kind
    '#odd' when some record holds an odd value."""
    items = ", ".join(
        f"{{'h': {_hash(i)}, 'k': {kind}, 'j': j{i}::VARCHAR}}" for i, (kind, _, _) in enumerate(_SLOTS, 1)
    )
    return f"""
        SELECT h, kind, {_RAW} AS raw
        FROM (
            SELECT x.h AS h, any_value(x.k) AS kind, any_value(x.j) AS j
            FROM (
                SELECT unnest(CASE WHEN odd THEN [{{'h': 0::UBIGINT, 'k': '#odd', 'j': NULL::VARCHAR}}]
                    ELSE list_filter([{items}], lambda x: x.h IS NOT NULL) END) AS x
                FROM ({_records(path, packing)}))
            GROUP BY x.h)"""


def records_sql(path: str, index: int, packing: str | None = None, texts: bool = False) -> str:
    """Scan 2: the narrow rows of each record: file, address, country, port and the hash of
    each piece (h1 ... h10, NULL where the record has none); with `texts`, also its service
    kind, whether it holds an odd value, and its texts (j1 ... j10), for kept_distinct_sql()."""
    hashes = ", ".join(f"{_hash(i)} AS h{i}" for i in range(1, len(_SLOTS) + 1))
    more = "".join(f", {column}" for column in _KEPT_FOR_DISTINCT) if texts else ""
    return f"SELECT {index}::INTEGER AS file, addr, cc, port, {hashes}{more} FROM ({_records(path, packing)})"


def kept_distinct_sql(table: str) -> str:
    """The distinct pieces (h, kind, raw) of a table of records_sql(texts=True) rows, as
    distinct_sql() gives them from the file, one row per hash: per kind of piece, the first
    row of each hash is found on integers alone (its rowid), and only those rows' texts are
    read (a GROUP BY that carried every row's text cost a third more); the slots of one kind
    together (their hashes may meet) are grouped with their texts. A banner's kind, which
    depends on the record's service, is made once per piece, not per row."""
    by_kind: dict[str, list[int]] = {}
    for i, (kind, _, _) in enumerate(_SLOTS, 1):
        by_kind.setdefault(kind, []).append(i)
    parts = []
    for kind, slots in by_kind.items():
        if len(slots) == 1:
            [i] = slots
            first = f"SELECT min(rowid) AS r FROM {table} WHERE h{i} IS NOT NULL GROUP BY h{i}"
            parts.append(
                f"SELECT h{i} AS h, {kind} AS kind, j{i}::VARCHAR AS j FROM {table} t SEMI JOIN ({first}) f ON t.rowid = f.r"
            )
            continue
        rows = " UNION ALL ".join(
            f"SELECT h{i} AS h, svc, j{i} AS j FROM {table} WHERE h{i} IS NOT NULL" for i in slots
        )
        service = "any_value(svc)" if "svc" in kind else "NULL"
        grouped = f"SELECT h, {service} AS svc, any_value(j)::VARCHAR AS j FROM ({rows}) GROUP BY h"
        parts.append(f"SELECT h, {kind} AS kind, j FROM ({grouped})")
    return f"SELECT h, kind, {_RAW} AS raw FROM ({' UNION ALL '.join(parts)})"


def pieces_sql(table: str) -> str:
    """The pieces (addr, port, h) of the narrow rows in `table` (a host name has no port)."""
    return " UNION ALL ".join(
        f"SELECT addr, {'NULL' if kind == _HOSTNAME else 'port'} AS port, h{i} AS h "
        f"FROM {table} WHERE h{i} IS NOT NULL"
        for i, (kind, _, _) in enumerate(_SLOTS, 1)
    )


def host_rows_sql(table: str) -> str:
    """The rows (addr, cc, k, port) of the narrow rows in `table` that make the hosts: each
    record with its country, and its port when it is a service (a port and a piece: a host
    name is no piece of a service)."""
    some = " OR ".join(f"h{i} IS NOT NULL" for i, (kind, _, _) in enumerate(_SLOTS, 1) if kind != _HOSTNAME)
    return (
        f"SELECT addr, cc, 1 AS k, CASE WHEN port IS NOT NULL AND ({some}) THEN port END AS port FROM {table}"
    )


def records_of(table: str) -> str:
    """The records (file, addr, cc, k) of the narrow rows in `table`, one each."""
    return f"SELECT file, addr, cc, 1 AS k FROM {table}"


def load(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedFile,
    hand_over: Callable[[str], None],
    table: str,
) -> int:
    """Read `planned` into a table of narrow rows named `table` (file, addr, cc, port and the
    piece hashes h1 ... h10; records_of() and pieces_sql() read it as the engine's records
    and pieces); returns the number of records read.

    `hand_over` gets a query of the file's distinct pieces (h, kind, raw; one row per hash). A file whose texts
    fit in a quarter of DuckDB's memory is parsed once: its rows, texts and piece hashes
    included, are kept in the table, the distinct pieces are taken from it, and then its
    texts are dropped (which costs DuckDB nothing). A larger one is parsed twice: the
    distinct pieces first (handed over, so the matcher works on them meanwhile), then the
    narrow rows; a second parse costs less than writing every text to the spill folder and
    reading it back. Raises Refused when the exact way must read the file; the table is not
    left behind then."""
    longer: list[bool] = []
    measure = threading.Thread(
        target=lambda: longer.append(lines.has_longer_line(planned.path, planned.label)),
        name="census-line-lengths",
    )
    measure.start()
    path, packing = str(planned.path), planned.packing
    kept = False
    try:
        if _fits(con, planned):
            _create(con, table, records_sql(path, index, packing, texts=True))
            _check(con, measure, longer, f"SELECT count(*) FROM {table} WHERE odd")
            hand_over(kept_distinct_sql(table))
            for column in _KEPT_FOR_DISTINCT:
                con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            _create(con, "typed_new", distinct_sql(path, packing))
            _check(con, measure, longer, "SELECT count(*) FROM typed_new WHERE kind = '#odd'")
            hand_over("SELECT h, kind, raw FROM typed_new")
            _create(con, table, records_sql(path, index, packing))
        [(count,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
        kept = True
        return int(count)
    finally:
        if measure.is_alive():
            measure.join()
        con.execute("DROP TABLE IF EXISTS typed_new")
        if not kept:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _create(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> None:
    """A table of `sql` (in the engine's database, so that other cursors read it too); Refused
    when DuckDB's reader refuses the file."""
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
    except _REFUSALS as exc:
        raise Refused(str(exc).splitlines()[0]) from None


def _check(con: duckdb.DuckDBPyConnection, measure: threading.Thread, longer: list[bool], odd: str) -> None:
    """Refused when a line is longer than MAX_LINE (or the compressed stream breaks off), or
    when the query `odd` counts a record holding an odd value."""
    measure.join()
    if not longer or longer[0]:
        raise Refused("a line is longer than MAX_LINE, or the compressed stream breaks off")
    [(count,)] = con.execute(odd).fetchall()
    if count:
        raise Refused("a record holds an object, list or boolean where a text belongs")


# How much a compressed file grows when unpacked, for _fits() (JSON lines of scan records
# compress about 10:1; a wrong guess costs only speed).
_UNPACKED = {None: 1, "gzip": 8, "zstd": 8}
_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


def _fits(con: duckdb.DuckDBPyConnection, planned: PlannedFile) -> bool:
    """Whether the file's texts fit in a quarter of DuckDB's memory (see load())."""
    [(setting,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    number, _, unit = str(setting).partition(" ")
    try:
        limit = float(number) * _UNITS[unit]
    except (ValueError, KeyError):
        return False
    return planned.path.stat().st_size * _UNPACKED[planned.packing] <= limit / 4
