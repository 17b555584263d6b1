"""A finding: a device falls under a rule of a list, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """device is a Device.id; rule names the list entry ("us-fcc-covered-list:hikvision");
    list is the list id; entity the listed entity as the list names it; reason says why this
    device falls under it (the identity and its strongest evidence); scope is the caveat the
    list itself carries (purpose-limited entries, dates); severity is "covered" when the
    identity is confident, "exploited" for a known-exploited vulnerability (CISA KEV) whose
    affected model and firmware match, "verify" when a human must decide, "advisory" for lists
    a profile reports without enforcing, "watch" for watch lists.
    """

    device: str
    rule: str
    list: str
    entity: str
    reason: str
    scope: str
    severity: str
    sources: tuple[str, ...] = ()
