"""One audit run as the store keeps it, which is all a report reads."""

from __future__ import annotations

from dataclasses import dataclass

from custodiet.model.contact import PhoneHome
from custodiet.model.decision import Remediation, Waiver
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
    # When the data was taken (ISO 8601 UTC): an nmap scan's start, else the file's modification time.
    taken: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source of a list, as content/sources.yaml gives it. rank orders them for an auditor:
    0 the regulator's own site (fcc.gov), 1 the Federal Register or eCFR, 2 other official
    (government) sites, 3 secondary sources (law firms, press, mirrors)."""

    id: str
    title: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    rank: int = 3


@dataclass(frozen=True, slots=True)
class ListVersion:
    """A regulatory or watch list as it was in force for a run: which version (as_of: the date
    custodiet's copy was checked against its sources; latest_entry: the newest entry's date),
    how the run's profile applied it (severity) and where it comes from (official first)."""

    id: str
    name: str
    jurisdiction: str
    severity: str
    as_of: str | None
    first_published: str | None
    latest_entry: str | None
    entries: int
    url: str | None = None
    authority: str | None = None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ScopeSummary:
    """What one input examined, for deciding whether an absent device is gone (see
    pipeline.scope): kind ("nmap targets", "hosts listed", "inventory rows", "capture subnets"),
    how many addresses, and the ranges ("10.0.0.0-10.0.0.255") as a short preview."""

    input: str
    kind: str
    addresses: int
    ranges: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceSeen:
    """When a device was first and last seen in the inventory (run id and its start time)."""

    device: str
    first_run: int
    first_seen: str
    last_run: int
    last_seen: str


@dataclass(frozen=True, slots=True)
class RunReport:
    """Everything a report renders: one run's inputs, devices and findings, and what the
    inventory knows around them (the run's profile and lists, what it examined, when each device
    was first and last seen, and the decisions taken: waivers and remediation steps, as of
    `as_of`, the day the report was made)."""

    run_id: int
    started: str  # ISO 8601 UTC
    finished: str
    content_version: str
    inputs: tuple[InputSummary, ...]
    devices: tuple[Device, ...]
    findings: tuple[Finding, ...]
    phone_home: tuple[PhoneHome, ...] = ()
    profile: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    lists: tuple[ListVersion, ...] = ()
    scope: tuple[ScopeSummary, ...] = ()
    seen: tuple[DeviceSeen, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    remediation: tuple[Remediation, ...] = ()  # each device's latest step
    as_of: str = ""  # ISO date the decisions were evaluated on
