"""DuckDB query results as Arrow, under the names DuckDB 1.x and 2 give the calls."""

from __future__ import annotations

import duckdb
import pyarrow as pa


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
