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

from pathlib import Path

from custodiet.identify.compile import SigEntry
from custodiet.identify.signatures import STRENGTHS
from custodiet.policy.phonehome import Endpoint, load_endpoints

FIELD = "contact.name"
DEVICE_STRENGTH = {"high": "strong", "medium": "medium", "low": "weak"}
APP_STRENGTH = "weak"


def strength(endpoint: Endpoint) -> str:
    """The signature strength an endpoint fact earns (see the module doc)."""
    if endpoint.side != "device":
        return APP_STRENGTH
    return DEVICE_STRENGTH[endpoint.confidence]


def host_pattern(host: str) -> str:
    """'(?i)(?:^|\\.)www\\.easy4ipcloud\\.com\\.?$': the host or a subdomain, whole name only."""
    escaped = "".join(ch if ch.isascii() and ch.isalnum() else f"\\x{ord(ch):02x}" for ch in host)
    return f"(?i)(?:^|\\.){escaped}\\.?$"


def endpoint_entries(content_dir: Path) -> list[SigEntry]:
    """One contact.name signature per host endpoint of content_dir/endpoints.yaml (address
    endpoints are not names and make none). Only the content file counts: a user's --endpoints
    file changes what is reported, not how devices are identified."""
    endpoints = load_endpoints(content_dir)
    entries = []
    seen: set[str] = set()
    for endpoint in endpoints.endpoints:
        if not endpoint.host or endpoint.host in seen:
            continue
        seen.add(endpoint.host)
        sets = {"manufacturer": endpoint.owner}
        if endpoint.brand:
            sets["brand"] = endpoint.brand
        entries.append(
            SigEntry(
                id=f"{FIELD}/endpoint-{endpoint.host}",
                pattern=host_pattern(endpoint.host),
                sets=sets,
                weight=STRENGTHS[strength(endpoint)],
                captures=False,
            )
        )
    return entries
