"""Packet captures (pcap, pcapng) to observations and contacts.

Many defenders cannot scan but have packet captures. This source finds the same identity texts a
scan would (banners, HTTP headers, certificates, SNMP, UPnP, WS-Discovery, DHCP, mDNS names) in
the traffic itself, and records who talked to whom (DNS answers, TLS server names, HTTP hosts,
flows) as Contacts. It streams packet by packet with bounded memory whatever the capture size;
see capture.py for how subjects, MACs and "local" are decided, flows.py for TCP reassembly.

The registry and format detection use the two functions below.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from custodiet.model import Contact, Observation
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.paths import open_input
from custodiet.sources.pcap.capture import read_capture
from custodiet.sources.pcap.reader import sniff as _sniff

__all__ = ["read", "sniff"]


def sniff(head: bytes) -> str | None:
    """ "pcap" or "pcapng" when the head starts with a capture file's magic number (either byte
    order; microsecond or nanosecond pcap), else None."""
    return _sniff(head)


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation | Contact]:
    """Observations and contacts from one capture file (a sources.base.Reader)."""
    with open_input(path, label) as handle:
        yield from read_capture(handle, label, stats, options)
