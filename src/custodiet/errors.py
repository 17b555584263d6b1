"""One small tree of errors. Each carries the file and the place in it, so that a user
can find the bad input; only the CLI turns them into exit codes (custodiet.cli.exits)."""

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
    """The SQLite inventory cannot be opened, checked, migrated or written."""


class UsageError(CustodietError):
    """The user asked for something inconsistent (bad option values, unknown host, ...)."""


class NotFoundError(UsageError):
    """The user named something the inventory does not hold (a run id, a device, any finished
    run at all): a usage error, not a broken store."""


class OutputError(CustodietError):
    """A report or export cannot be written (missing folder, full disk, no permission)."""


class InternalError(CustodietError):
    """An unexpected exception (a bug in custodiet) caught at the boundary of one input, so that
    the other inputs are still audited; the message says what it was and where to report it."""


def describe_bug(exc: BaseException) -> str:
    """What a user is told of an unexpected exception: what it was, where it was raised (the
    innermost frame in custodiet's own code), and what to do. Never a traceback."""
    import os
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    marker = f"{os.sep}custodiet{os.sep}"
    ours = [f for f in frames if marker in f.filename] or frames
    where = ""
    if ours:
        last = ours[-1]
        where = f" at {last.filename.rsplit(marker, 1)[-1]}:{last.lineno}"
    return (
        f"internal error: {type(exc).__name__}: {exc}{where}. This is a bug in custodiet: please "
        "report it to the custodiet project with the command you ran and this message "
        "(CUSTODIET_DEBUG=1 prints the full traceback)"
    )
