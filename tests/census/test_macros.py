"""The engine's SQL spellings of small rules, each held to the rule it stands for: the service
kind of a Shodan module name (banners_jsonl.service_kind), a port and transport (c_port) and a
leaf's text (v_text). Their fast forms must give what the plain forms give, on every input."""

from __future__ import annotations

import random

import duckdb
import pytest

from custodiet.census import formats, typed
from custodiet.sources import banners_jsonl

# The forms the fast ones replace, as they were: the general branch of c_port alone, and a
# leaf cut to 64 KiB characters with left().
PLAIN_C_PORT = """CASE WHEN try_cast(p AS BIGINT) BETWEEN 0 AND 65535 AND length(trim(proto)) BETWEEN 1 AND 8
    THEN CAST(try_cast(p AS BIGINT) AS VARCHAR) || '/' || lower(trim(proto)) END"""
PLAIN_V_TEXT = "nullif(left(v, 65536), '')"


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(formats.MACROS)
    connection.execute(typed.MACROS)
    return connection


def _names() -> list[str | None]:
    """Every spelling service_kind knows, in other cases, with suffixes doubled, misordered or
    alone, and random strings of bases and suffix pieces."""
    rng = random.Random(7)
    spellings = list(formats._service_spellings())
    pieces = [
        *banners_jsonl._KINDS,
        "-tls",
        "-udp",
        "-tcp",
        "-simple",
        "-simple-new",
        "-new",
        "-",
        "x",
        "simple",
    ]
    names: list[str | None] = [None, "", "-tls", "-simple-new", "http" * 20 + "-tls", "x" * 70 + "http"]
    names += spellings + [s.upper() for s in spellings] + [s.title() for s in spellings]
    names += [s + sfx for s in spellings for sfx in ("-tls", "-simple", "-simple-new", "-new")]
    names += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    return names


def test_service_kind_sql_is_service_kind(con: duckdb.DuckDBPyConnection) -> None:
    names = _names()
    con.execute("CREATE OR REPLACE TEMP TABLE names (i INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO names VALUES (?, ?)", list(enumerate(names)))
    found = dict(con.execute(f"SELECT i, {formats.service_kind_sql('name')} FROM names").fetchall())
    expected = {i: banners_jsonl.service_kind(name) for i, name in enumerate(names)}
    assert found == expected
    assert sum(kind is not None for kind in found.values()) > 1500  # the known spellings are many


PORTS = [
    "80",
    "080",
    "0",
    "00",
    "65535",
    "65536",
    "-1",
    "-0",
    " 80",
    "80 ",
    "+80",
    "1e2",
    "80.0",
    "",
    None,
    "abc",
    "8080",
]
TRANSPORTS = ["tcp", "udp", "TCP", " tcp", "tcp ", "sctp", "", None, "t" * 9, "Udp"]


def test_c_port_gives_what_its_general_branch_gives(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE ports (p VARCHAR, proto VARCHAR)")
    con.executemany("INSERT INTO ports VALUES (?, ?)", [(p, t) for p in PORTS for t in TRANSPORTS])
    rows = con.execute(f"SELECT p, proto, c_port(p, proto), {PLAIN_C_PORT} FROM ports").fetchall()
    assert [r for r in rows if r[2] != r[3] and not (r[2] is None and r[3] is None)] == []
    assert ("80", "tcp", "80/tcp", "80/tcp") in rows and ("080", "TCP", "80/tcp", "80/tcp") in rows


def test_v_text_gives_what_left_gives(con: duckdb.DuckDBPyConnection) -> None:
    values = ["", "a", "é" * 65536, "é" * 65537, "a" * 65536, "a" * 65537, "a" * 40000 + "é" * 30000, None]
    con.execute("CREATE OR REPLACE TEMP TABLE leaves (v VARCHAR)")
    con.executemany("INSERT INTO leaves VALUES (?)", [(v,) for v in values])
    rows = con.execute(
        f"SELECT v_text(v) IS NOT DISTINCT FROM {PLAIN_V_TEXT}, strlen(v_text(v)) FROM leaves"
    ).fetchall()
    assert all(same for same, _ in rows)
    assert [n for _, n in rows] == [None, 1, 131072, 131072, 65536, 65536, 40000 + 2 * 25536, None]
