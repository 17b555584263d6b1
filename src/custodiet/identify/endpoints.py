"""Signatures for the `contact.name` field, generated from content/endpoints.yaml.

A device that looks up or connects to its maker's device-side infrastructure (a camera registering
with Dahua's P2P server) names its maker, whatever label it carries: that is evidence on a channel
of its own ("contact"). How much it says follows how well the endpoint is sourced: device-side
high -> strong, medium -> medium, low -> weak. App-side endpoints are weak whatever their
confidence: a phone app on the same network may be what talks, not the device.

A pattern matches the endpoint host itself or any subdomain of it, case-insensitively, with or
without a trailing dot; the text is one name (what the pipeline makes of a contact).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from custodiet.identify.compile import SigEntry
from custodiet.identify.signatures import STRENGTHS

FIELD = "contact.name"
DEVICE_STRENGTH = {"high": "strong", "medium": "medium", "low": "weak"}
APP_STRENGTH = "weak"


def strength(side: str, confidence: str) -> str:
    """The signature strength an endpoint fact earns (see the module doc)."""
    if side != "device":
        return APP_STRENGTH
    return DEVICE_STRENGTH.get(confidence, "weak")


def host_pattern(host: str) -> str:
    """'(?i)(?:^|\\.)www\\.easy4ipcloud\\.com\\.?$': the host or a subdomain, whole name only."""
    escaped = "".join(ch if ch.isascii() and ch.isalnum() else f"\\x{ord(ch):02x}" for ch in host)
    return f"(?i)(?:^|\\.){escaped}\\.?$"


@dataclass(frozen=True, slots=True)
class HostFact:
    """What a contact.name signature needs of one endpoint fact (policy.phonehome reads the file;
    pipeline.content hands the host endpoints over as these)."""

    host: str  # normalised DNS name
    owner: str  # canonical vendor name
    brand: str | None
    side: str  # "device" or "app"
    confidence: str  # low | medium | high


def endpoint_entries(facts: Iterable[HostFact]) -> list[SigEntry]:
    """One contact.name signature per host endpoint of the content (not the user's files: a
    user's --endpoints file changes what is reported, not how devices are identified)."""
    entries = []
    seen: set[str] = set()
    for fact in facts:
        sid = f"{FIELD}/endpoint-{fact.host}"
        if sid in seen:
            continue
        seen.add(sid)
        sets = {"manufacturer": fact.owner}
        if fact.brand:
            sets["brand"] = fact.brand
        level = strength(fact.side, fact.confidence)
        entries.append(
            SigEntry(
                id=sid, pattern=host_pattern(fact.host), sets=sets, weight=STRENGTHS[level], captures=False
            )
        )
    return entries
