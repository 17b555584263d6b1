"""Format name -> reader. The names are what users pass as --format and what detect returns.

Captures (pcap, pcapng) are read by the capture package, imported only when a capture is read:
everything else works without it, and a capture then fails with a clear InputError.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from custodiet.errors import InputError
from custodiet.model import Contact, Observation
from custodiet.sources import banners_jsonl, csv_inventory, dhcp_logs, nmap_xml, suricata_eve, zeek
from custodiet.sources.base import Reader, ReadStats, SourceOptions
from custodiet.sources.detect import pcap_module
from custodiet.sources.scan_replies import FORMAT as SCAN_REPLIES
from custodiet.sources.scan_replies import read as read_scan_replies


def read_capture(
    path: Path, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[Observation | Contact]:
    """A pcap or pcapng file, through custodiet.sources.pcap (imported on first use)."""
    module = pcap_module()
    if isinstance(module, str):
        raise InputError(
            f"packet captures cannot be read here: the capture reader is missing ({module})", file=label
        )
    yield from module.read(path, label, stats, options)


READERS: dict[str, Reader] = {
    "nmap-xml": nmap_xml.read,
    "csv": csv_inventory.read,
    "pcap": read_capture,
    "pcapng": read_capture,
    "zeek": zeek.read,
    "suricata-eve": suricata_eve.read,
    "masscan": banners_jsonl.read_masscan,
    "zgrab2": banners_jsonl.read_zgrab2,
    "shodan": banners_jsonl.read_shodan,
    "censys": banners_jsonl.read_censys,
    "dhcpd-leases": dhcp_logs.read_dhcpd_leases,
    "dnsmasq": dhcp_logs.read_dnsmasq,
    "kea-leases": dhcp_logs.read_kea_leases,
    SCAN_REPLIES: read_scan_replies,
}
