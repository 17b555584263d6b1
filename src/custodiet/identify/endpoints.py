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
from typing import Any

from custodiet.catalog import Catalog
from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError
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


def endpoint_entries(content_dir: Path, catalog: Catalog | None = None) -> list[SigEntry]:
    """One contact.name signature per host endpoint of content_dir/endpoints.yaml (address
    endpoints are not names and make none). Only the content file counts: a user's --endpoints
    file changes what is reported, not how devices are identified.

    The file is read here rather than through policy.phonehome (stages do not import each other);
    policy's loader checks the whole schema, this one only what a signature needs."""
    path = content_dir / "endpoints.yaml"
    if not path.exists():
        return []
    label = "content/endpoints.yaml"
    doc = load_yaml(path, label) or {}
    entries = []
    seen: set[str] = set()
    for node in doc.get("endpoints") or []:
        entry = _entry(node, label, catalog)
        if entry is not None and entry.id not in seen:
            seen.add(entry.id)
            entries.append(entry)
    return entries


def _entry(node: Any, label: str, catalog: Catalog | None) -> SigEntry | None:
    if not isinstance(node, dict) or not isinstance(node.get("host"), str):
        return None  # address endpoints name no host
    host = node["host"].strip().rstrip(".").lower()
    owner = node.get("owner")
    if not host or not isinstance(owner, str) or not owner:
        raise ContentError("endpoint lacks 'host' or 'owner'", file=label, place=line_of(node))
    if catalog is not None:
        vendor = catalog.vendors.get(owner) or catalog.vendor_by_name(owner)
        if vendor is None:
            raise ContentError(f"unknown owner '{owner}'", file=label, place=line_of(node))
        owner = vendor.name
    sets = {"manufacturer": owner}
    if isinstance(node.get("brand"), str) and node["brand"]:
        sets["brand"] = node["brand"]
    level = strength(str(node.get("side", "")), str(node.get("confidence", "")))
    return SigEntry(
        id=f"{FIELD}/endpoint-{host}",
        pattern=host_pattern(host),
        sets=sets,
        weight=STRENGTHS[level],
        captures=False,
    )
