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

from custodiet.model import Contact, Observation


@dataclass
class ReadStats:
    """Filled in by a source while it reads one file."""

    records: int = 0  # hosts, rows, lines or packets read
    observations: int = 0
    contacts: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
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


# A reader: (path, label shown in errors and provenance, stats to fill, options) -> observations,
# and for traffic sources also contacts (who talked to whom).
Reader = Callable[[Path, str, ReadStats, SourceOptions], Iterator[Observation | Contact]]
