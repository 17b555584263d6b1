"""What every source module provides: bytes of one file in, observations out.

A source knows formats, never vendors. It streams: memory stays bounded whatever the file size.
It counts what it read and what it skipped (with a reason), and raises InputError naming the file
and place when the file cannot be read further; observations already yielded stay valid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from custodiet.errors import InputError
from custodiet.model import Contact, Observation
from custodiet.numbers import whole_number


@dataclass
class ReadStats:
    """Filled in by a source while it reads one file."""

    records: int = 0  # hosts, rows, lines or packets read
    observations: int = 0
    contacts: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    # reason -> where its first malformed record is ("line 12"): for the error that says a file
    # gave nothing readable (one entry per reason, a handful per file).
    first_bad: dict[str, str] = field(default_factory=dict)
    # Things a user should know that skipped nothing (columns not read, a legacy encoding):
    # text -> count, shown with the skip reasons in the file's summary.
    notices: Counter[str] = field(default_factory=Counter)
    # Called with each address a source looked at but yields nothing for (an nmap host that is
    # down): what the run examined (pipeline.scope), so that a device missing there is gone.
    examined: Callable[[str], None] | None = None


@dataclass(frozen=True)
class SourceOptions:
    """Options a user may pass to sources.

    column_map: for tabular inventories, {role: header} overriding header detection
    (roles: address, mac, hostname, vendor, model, serial, site, name).
    strict: turn skipped records into errors.
    """

    column_map: dict[str, str] = field(default_factory=dict)
    strict: bool = False


def check_something_read(stats: ReadStats, label: str, what: str) -> None:
    """Raise InputError when a file gave nothing at all and most of what it held was malformed:
    the file is not `what` (a format forced with --format, a wrong detection) or is corrupt
    throughout. Reading 0 records and exiting 0 would lose the whole file silently. A file whose
    lines are well formed but carry nothing this reader uses (a Zeek weird.log) is no error."""
    if stats.records or stats.observations or stats.contacts or not stats.first_bad:
        return
    bad = sum(stats.skipped[reason] for reason in stats.first_bad)
    unused = sum(stats.skipped.values()) - bad
    if bad <= unused:
        return
    reason, place = min(stats.first_bad.items(), key=lambda item: _line_number(item[1]))
    raise InputError(
        f"nothing could be read as {what}: {bad:,} malformed record{'s' if bad != 1 else ''} and none "
        f"readable, the first {reason!r}; is this really {what}? (--format chooses the reader)",
        file=label,
        place=place,
    )


def _line_number(place: str) -> int:
    digits = place.rpartition(" ")[2]
    return whole_number(digits) or 0


# A reader: (path, label shown in errors and provenance, stats to fill, options) -> observations,
# and for traffic sources also contacts (who talked to whom).
Reader = Callable[[Path, str, ReadStats, SourceOptions], Iterator[Observation | Contact]]
