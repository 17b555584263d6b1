"""Traffic facts: who talked to whom. Sources that read traffic (pcap, Zeek, Suricata) emit
Contacts beside Observations; the store sums them per device into ContactSummary values; policy
turns those that reach vendor infrastructure or foreign networks into PhoneHome findings."""

from __future__ import annotations

from dataclasses import dataclass

from custodiet.model.observation import Provenance, Subject


@dataclass(frozen=True, slots=True)
class Contact:
    """One local device's traffic with one remote party, aggregated by the source where it can.

    kind says what established it: "flow" (a connection), "dns" (a query; remote is an address the
    answer gave, when there was one), "tls" (ClientHello SNI), "http" (request Host header).
    name is the DNS name / SNI / Host, lower-case, without a trailing dot. Times are ISO 8601 UTC.
    bytes_out is what the local device sent, bytes_in what it received.
    """

    subject: Subject
    kind: str
    provenance: Provenance
    remote: str | None = None
    name: str | None = None
    port: str | None = None  # "443/tcp", "8800/udp"
    first_seen: str | None = None
    last_seen: str | None = None
    count: int = 1
    bytes_out: int = 0
    bytes_in: int = 0


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """A device's contacts with one (kind, name, remote, port), summed: what phone-home reads.

    The store sums a whole run's contacts this way in SQL (with the device's address and mac);
    policy.phonehome.group_contacts does the same in memory. evidence holds the first places
    that show it (file and packet or line); evidence_count how many places there were in all.
    """

    kind: str
    name: str | None
    remote: str | None
    port: str | None
    first_seen: str | None
    last_seen: str | None
    count: int
    bytes_out: int
    bytes_in: int
    evidence: tuple[Provenance, ...]
    evidence_count: int
    address: str | None = None
    mac: str | None = None


@dataclass(frozen=True, slots=True)
class PhoneHome:
    """A device reaching its maker's (or another listed vendor's) infrastructure, or a foreign network.

    endpoint is the name or address reached; owner the vendor (or network operator) behind it; role
    what the endpoint does ("P2P relay", "cloud API (app-side)", "DDNS", "foreign network");
    confidence the endpoint fact's confidence (high | medium | low); evidence the places in the
    inputs (file and packet number or log line) that show the traffic.
    """

    device: str
    endpoint: str
    owner: str
    role: str
    confidence: str
    first_seen: str | None
    last_seen: str | None
    count: int
    bytes_out: int
    bytes_in: int
    evidence: tuple[Provenance, ...]
    country: str | None = None
    asn: str | None = None
    sources: tuple[str, ...] = ()
