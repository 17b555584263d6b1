"""DNS, multicast DNS / DNS-SD and NetBIOS name service.

Unicast DNS says whom a device contacted: the query name and the addresses the answer gave
(Contacts). mDNS responses and DNS-SD announcements say what a device calls itself: the owner
names of its address records, its SRV targets and its service instance names ("hostname").
NetBIOS name registrations and positive answers name the sender too.

Names are decompressed with dpkt's `unpack_name` (which refuses forward pointers, so loops are
impossible); records are walked here, because dpkt's full DNS decoder gives up on the whole
message at the first record type it does not know (HTTPS, NSEC, ...), which real answers have.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import dpkt
from dpkt.dns import unpack_name

from custodiet.sources.text import bound

_A = 1
_PTR = 12
_AAAA = 28
_SRV = 33
_MAX_RECORDS = 256
_HEADER = struct.Struct(">HHHHHH")
_RR = struct.Struct(">HHIH")


class DnsError(ValueError):
    """A message that is not well-formed DNS."""


@dataclass
class Dns:
    """What one message says: whether it answers, its query and the answers' addresses."""

    ident: int
    response: bool
    rcode: int
    qname: str | None
    addresses: list[bytes] = field(default_factory=list)  # A and AAAA data of the answer section
    names: list[str] = field(default_factory=list)  # mDNS: names the sender gives itself


def clean(name: str) -> str:
    return name.strip().rstrip(".").lower()


def parse(data: bytes, mdns: bool = False) -> Dns:
    """One DNS message. Raises DnsError when it is malformed."""
    try:
        return _parse(data, mdns)
    except (dpkt.UnpackError, struct.error, IndexError, UnicodeDecodeError, ValueError) as exc:
        raise DnsError(f"malformed DNS: {exc}") from None


def _parse(data: bytes, mdns: bool) -> Dns:
    ident, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(data, 0)
    response = bool(flags & 0x8000)
    msg = Dns(ident, response, flags & 0xF, None)
    off = 12
    for i in range(min(qdcount, _MAX_RECORDS)):
        name, off = unpack_name(data, off)
        if off + 4 > len(data):
            raise DnsError("question past the end")
        off += 4
        if i == 0:
            msg.qname = clean(name) or None
    if not response:
        return msg
    names: dict[str, None] = {}
    total = min(ancount + nscount + arcount, _MAX_RECORDS)
    for index in range(total):
        owner, off = unpack_name(data, off)
        if off + 10 > len(data):
            raise DnsError("record past the end")
        rtype, _cls, _ttl, rdlen = _RR.unpack_from(data, off)
        off += 10
        rdata_at = off
        off += rdlen
        if off > len(data):
            raise DnsError("record data past the end")
        answer = index < ancount
        if (rtype == _A and rdlen == 4) or (rtype == _AAAA and rdlen == 16):
            if answer:
                msg.addresses.append(data[rdata_at:off])
            if mdns:
                names[_local_name(owner)] = None
        elif mdns and rtype == _SRV and rdlen > 6:
            target, _ = unpack_name(data, rdata_at + 6)
            names[_local_name(target)] = None
        elif mdns and rtype == _PTR:
            target, _ = unpack_name(data, rdata_at)
            names[_ptr_name(clean(owner), target)] = None
    msg.names = [bound(n) for n in names if n]
    return msg


def _local_name(name: str) -> str:
    """An mDNS host name without ".local"."""
    name = name.strip().rstrip(".")
    return name[:-6] if name.lower().endswith(".local") else name


def _ptr_name(owner: str, target: str) -> str:
    """A DNS-SD instance name ("Office Printer" of "Office Printer._ipp._tcp.local") or the
    host a reverse-mapping record names; "" for service-type enumeration."""
    target = target.strip().rstrip(".")
    if owner.endswith((".in-addr.arpa", ".ip6.arpa")):
        return _local_name(target)
    if owner.startswith("_services._dns-sd."):
        return ""
    if owner.startswith("_") and target.lower().endswith("." + owner):
        return target[: -len(owner) - 1]
    return ""


def netbios_name(data: bytes) -> str | None:
    """The unique name a NetBIOS name-service packet says its sender holds: a registration or
    refresh (the question name), or a positive name query response (the answer name)."""
    if len(data) < 12 + 34:
        return None
    flags = (data[2] << 8) | data[3]
    opcode = (flags >> 11) & 0xF
    response = bool(flags & 0x8000)
    if response and opcode == 0 and flags & 0xF == 0:
        nb_flags_at = 12 + 34 + 10
    elif not response and opcode in (5, 8, 9):
        nb_flags_at = 12 + 34 + 4 + 2 + 10
    else:
        return None
    if nb_flags_at + 2 <= len(data) and data[nb_flags_at] & 0x80:
        return None  # a group name (workgroup, domain): not the host's own
    if data[12] != 32:
        return None
    raw = data[13:45]
    out = bytearray()
    for i in range(0, 32, 2):
        hi, lo = raw[i] - 0x41, raw[i + 1] - 0x41
        if not (0 <= hi < 16 and 0 <= lo < 16):
            return None
        out.append((hi << 4) | lo)
    if out[15] not in (0x00, 0x20):
        return None  # other suffixes name services, domains, browsers
    name = out[:15].decode("ascii", "replace").strip().strip("\x00")
    return name or None
