"""Decisions people take about devices and findings, kept in the inventory beside the runs.

A waiver (an exception) says that a finding is accepted for a while: for one device, for one rule
(a rule id such as "us-fcc-covered-list:hikvision", or a whole list id), or for one rule on one
device; with who decided, why, and until when. A waiver past its end date no longer applies: the
finding it covered is open again. A remediation is one step of a device's way out: open,
ticketed, replaced, removed, verified absent; the latest step is the device's state.
"""

from __future__ import annotations

from dataclasses import dataclass

REMEDIATION_STATES: tuple[str, ...] = ("open", "ticketed", "replaced", "removed", "verified-absent")


@dataclass(frozen=True, slots=True)
class Waiver:
    id: int
    device: str | None  # a Device.id; None: every device
    rule: str | None  # a rule id or a list id; None: every rule
    who: str
    why: str
    created: str  # ISO 8601 UTC
    until: str  # ISO date (YYYY-MM-DD): the last day it applies
    revoked: str | None = None
    revoked_by: str | None = None
    revoked_why: str | None = None

    def applies(self, device: str, rule: str, list_id: str, today: str) -> bool:
        """Whether this waiver covers that finding on `today` (an ISO date)."""
        if self.revoked is not None or today > self.until or today < self.created[:10]:
            return False
        if self.device is not None and self.device != device:
            return False
        return self.rule is None or self.rule in (rule, list_id)

    def expired(self, today: str) -> bool:
        return self.revoked is None and today > self.until


@dataclass(frozen=True, slots=True)
class Remediation:
    """One step; the device's current state is its latest step."""

    id: int
    device: str
    state: str  # one of REMEDIATION_STATES
    at: str  # ISO 8601 UTC
    who: str
    ticket: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FindingStatus:
    """Where a finding stands on a given day: "open", or "waived" by a waiver; an expired waiver
    is named too (the finding is open again)."""

    status: str  # "open" | "waived"
    waiver: Waiver | None = None
    expired: Waiver | None = None
