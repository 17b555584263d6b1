"""Builders for phone-home tests: contacts, endpoint sets, a fake geo lookup.

(A plain module, not conftest.py: test modules import it by a name no other test folder uses.)
"""

from __future__ import annotations

from custodiet.model import Contact, PhoneHome, Provenance, Subject
from custodiet.policy.phonehome import Endpoint, EndpointSet

CAMERA = Subject("10.0.0.9", "00:11:22:33:44:55")
HOSTILE = '<script>alert(1)</script>\t=HYPERLINK("x")\x1b[31m[bold]m[/bold]\u202e'


def contact(
    kind: str = "flow",
    remote: str | None = None,
    name: str | None = None,
    port: str | None = None,
    place: str = "packet 1",
    subject: Subject = CAMERA,
    file: str = "cap.pcap",
    **extra,  # type: ignore[no-untyped-def]
) -> Contact:
    return Contact(
        subject=subject,
        kind=kind,
        provenance=Provenance(file, place),
        remote=remote,
        name=name,
        port=port,
        **extra,
    )


def phone_home_fact(**over) -> PhoneHome:  # type: ignore[no-untyped-def]
    """A Dahua P2P fact of CAMERA's device, with `over` replacing any of its values."""
    values = {
        "device": "mac:00:11:22:33:44:55",
        "endpoint": "www.easy4ipcloud.com",
        "owner": "Dahua",
        "role": "P2P (device-side)",
        "confidence": "high",
        "first_seen": "2026-01-01T00:00:00Z",
        "last_seen": "2026-01-01T01:00:00Z",
        "count": 61,
        "bytes_out": 3000,
        "bytes_in": 1500,
        "evidence": (Provenance("cap.pcap", "packet 1"),),
        "country": "CN",
        "asn": "AS45102",
        "sources": ("gh-dh-p2p",),
    }
    values.update(over)
    return PhoneHome(**values)


def endpoint(host: str | None = None, network: str | None = None, **over) -> Endpoint:  # type: ignore[no-untyped-def]
    values = {
        "owner": "Dahua",
        "owner_id": "dahua",
        "side": "device",
        "role": "P2P",
        "confidence": "high",
        "sources": ("gh-dh-p2p",),
    }
    values.update(over)
    return Endpoint(host=host, network=network, **values)


def endpoint_set(*endpoints: Endpoint, watch: frozenset[str] = frozenset()) -> EndpointSet:
    return EndpointSet(endpoints=endpoints, watch_countries=watch)


GEO = {
    "47.91.1.2": ("US", 45102, "Alibaba US"),
    "223.5.5.5": ("CN", 45102, "Hangzhou Alibaba Advertising Co.,Ltd."),
    "1.0.16.1": ("JP", 2519, "ARTERIA Networks Corporation"),
    "8.8.8.8": ("US", 15169, "Google LLC"),
    "5.5.5.5": ("DE", 3320, "Deutsche Telekom AG"),
}


def fake_geo(address: str) -> tuple[str | None, int | None, str | None]:
    return GEO.get(address, (None, None, None))
