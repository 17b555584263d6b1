"""One audit run as the store keeps it, which is all a report reads."""

from __future__ import annotations

from dataclasses import dataclass

from custodiet.model.contact import PhoneHome
from custodiet.model.device import Device
from custodiet.model.finding import Finding


@dataclass(frozen=True, slots=True)
class InputSummary:
    """What the audit read from one input file."""

    path: str
    format: str
    sha256: str
    records: int  # hosts / rows / lines / packets read
    observations: int
    skipped: int = 0
    skip_reasons: tuple[tuple[str, int], ...] = ()
    error: str | None = None  # set when the file could not be read to its end
    contacts: int = 0


@dataclass(frozen=True, slots=True)
class RunReport:
    """Everything a report renders: one run's inputs, devices and findings."""

    run_id: int
    started: str  # ISO 8601 UTC
    finished: str
    content_version: str
    inputs: tuple[InputSummary, ...]
    devices: tuple[Device, ...]
    findings: tuple[Finding, ...]
    phone_home: tuple[PhoneHome, ...] = ()
