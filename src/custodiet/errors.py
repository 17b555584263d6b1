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


class ContentErrors(ContentError):
    """Every problem found in the detection content at once (content is checked whole, so that an
    author sees them all); each item is a ContentError with its file and place."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        count = len(self.errors)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the detection content"
            + (f"; the first: {first}" if first else ""),
            file=None,
        )


class StoreError(CustodietError):
    """The SQLite inventory cannot be opened, migrated or written."""


class UsageError(CustodietError):
    """The user asked for something inconsistent (bad option values, unknown host, ...)."""
