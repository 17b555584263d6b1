"""One small tree of errors. Each carries the file and the place in it, so that a user
can find the bad input; only the CLI turns them into exit codes."""

from __future__ import annotations


class CustodietError(Exception):
    """Base of every error custodiet raises on purpose."""

    def __init__(self, message: str, *, file: str | None = None, place: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.place = place

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.place) if p)
        return f"{where}: {self.message}" if where else self.message


class InputError(CustodietError):
    """An input file is missing, empty, malformed, hostile or of an unknown format."""


class ContentError(CustodietError):
    """A detection-content file (signatures, vendors, lists, endpoints) is invalid."""


class StoreError(CustodietError):
    """The SQLite inventory cannot be opened, migrated or written."""


class UsageError(CustodietError):
    """The user asked for something inconsistent (bad option values, unknown host, ...)."""
