"""Statements of the DuckDB engine run side by side (census/background.py)."""

from __future__ import annotations

import duckdb
import pytest

from custodiet.census.background import Background


def test_statements_side_by_side_fill_their_tables() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE numbers AS SELECT range AS n FROM range(200000)")
    statements = [
        Background(con, "CREATE TABLE evens AS SELECT n FROM numbers WHERE n % 2 = 0"),
        Background(con, "CREATE TABLE total AS SELECT sum(n) AS s FROM numbers"),
    ]
    con.execute("CREATE TABLE odds AS SELECT n FROM numbers WHERE n % 2 = 1")
    for statement in statements:
        statement.join()
    assert con.execute("SELECT count(*) FROM evens").fetchone() == (100000,)
    assert con.execute("SELECT s FROM total").fetchone() == (199999 * 200000 // 2,)
    assert con.execute("SELECT count(*) FROM odds").fetchone() == (100000,)


def test_a_failed_statement_raises_when_joined_and_not_when_closed() -> None:
    con = duckdb.connect()
    failing = Background(con, "CREATE TABLE x AS SELECT * FROM no_such_table")
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        failing.join()
    quiet = Background(con, "CREATE TABLE y AS SELECT * FROM no_such_table")
    quiet.close()
    assert isinstance(quiet.error, duckdb.CatalogException)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('x', 'y')").fetchone() == (
        0,
    )
