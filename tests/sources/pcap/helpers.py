"""Helpers for the pcap tests: run the reader, and look at what it found."""

from __future__ import annotations

from pathlib import Path

from custodiet.model import Contact, Observation
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.pcap import read


def run(path: Path, strict: bool = False) -> tuple[list[Observation], list[Contact], ReadStats]:
    stats = ReadStats()
    items = list(read(path, path.name, stats, SourceOptions(strict=strict)))
    observations = [i for i in items if isinstance(i, Observation)]
    contacts = [i for i in items if isinstance(i, Contact)]
    assert stats.observations == len(observations)
    assert stats.contacts == len(contacts)
    return observations, contacts, stats


def facts(observations: list[Observation], address: str | None = None) -> set[tuple[str, str, str | None]]:
    """(field, text, port) of one subject address (all when None)."""
    return {
        (o.field, o.text, o.port) for o in observations if address is None or o.subject.address == address
    }


def texts(observations: list[Observation], field: str, address: str | None = None) -> list[str]:
    return [
        o.text for o in observations if o.field == field and (address is None or o.subject.address == address)
    ]


def contact_keys(contacts: list[Contact], kind: str | None = None) -> set[tuple]:
    """(kind, subject address, remote, name, port) of the contacts, without times and counts."""
    return {(c.kind, c.subject.address, c.remote, c.name, c.port) for c in contacts if kind in (None, c.kind)}
