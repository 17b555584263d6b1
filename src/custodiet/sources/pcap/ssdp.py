"""SSDP (UPnP discovery, UDP 1900): a device's NOTIFY announcements and its M-SEARCH replies.

Both carry the device's SERVER header ("Linux/3.10 UPnP/1.0 Vendor-Product/1.0") and the
LOCATION of its description. M-SEARCH requests come from control points and say nothing
about the sender's make, so they are not read.
"""

from __future__ import annotations

from custodiet.sources.pcap.http import split_head

Fact = tuple[str, str]


def extract(data: bytes) -> list[Fact]:
    """upnp.server and upnp.description ("Location: URL", as nmap's upnp-info starts)."""
    if not (data.startswith(b"NOTIFY ") or data.startswith(b"HTTP/1.")):
        return []
    _lines, headers, _end = split_head(data)
    facts: list[Fact] = []
    for name, value in headers:
        if name == "server" and value:
            facts.append(("upnp.server", value))
        elif name == "location" and value:
            facts.append(("upnp.description", f"Location: {value}"))
    return facts
