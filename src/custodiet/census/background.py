"""Statements of the DuckDB engine that run side by side."""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb


class Background:
    """A statement run on a cursor of its own, on a thread, while the caller goes on: DuckDB
    lets go of the GIL, and a statement over a few hundred thousand rows keeps only part of
    its threads busy, so two such statements at once finish sooner than one after the other."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, work: str | Callable[[duckdb.DuckDBPyConnection], object]
    ) -> None:
        """`work`: a statement, or a function of a cursor (for work that also runs Python)."""
        self.error: BaseException | None = None
        self.cursor = con.cursor()
        self.thread = threading.Thread(target=self._run, args=(work,), name="census-statement", daemon=True)
        self.thread.start()

    def _run(self, work: str | Callable[[duckdb.DuckDBPyConnection], object]) -> None:
        try:
            if isinstance(work, str):
                self.cursor.execute(work)
            else:
                work(self.cursor)
        except BaseException as exc:  # raised by join()
            self.error = exc

    def join(self) -> None:
        """Wait for the statement; raises what it raised."""
        self.close()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Wait for the statement, whatever became of it (for a caller that is failing already)."""
        self.thread.join()
        self.cursor.close()
