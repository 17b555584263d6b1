"""SNMP GET of the system group's identity (sysDescr.0, sysObjectID.0, sysName.0), only with the
credentials the user gave: a community (v1, v2c). Nothing is ever guessed: without
--snmp-community no SNMP datagram leaves the scan.

Messages are built with a few lines of BER (RFC 1157, RFC 3416); replies are read by the replies
source, like SNMP in a capture.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SYSTEM_OIDS = ("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0")
GET_REQUEST = 0xA0


@dataclass(frozen=True)
class SnmpCredentials:
    """What the user allowed: communities, tried in order, each in v2c then v1 form."""

    communities: tuple[str, ...] = ()
    version: str = "2c"  # "1" or "2c"


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def integer(value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, raw)


def oid(text: str) -> bytes:
    parts = [int(p) for p in text.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for value in parts[2:]:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out.extend(reversed(chunk))
    return tlv(0x06, bytes(out))


def get_request(community: str, version: int, request_id: int, oids: tuple[str, ...] = SYSTEM_OIDS) -> bytes:
    """A v1 (version 0) or v2c (version 1) GetRequest."""
    varbinds = b"".join(tlv(0x30, oid(o) + b"\x05\x00") for o in oids)
    pdu = tlv(GET_REQUEST, integer(request_id) + integer(0) + integer(0) + tlv(0x30, varbinds))
    return tlv(0x30, integer(version) + tlv(0x04, community.encode("utf-8")) + pdu)


class SnmpExchange:
    """The requests of one host, in order: each community until one is answered."""

    def __init__(self, credentials: SnmpCredentials) -> None:
        version = 0 if credentials.version == "1" else 1
        self.requests = [
            get_request(c, version, int.from_bytes(os.urandom(3), "big")) for c in credentials.communities
        ]
        self.index = 0

    def first(self) -> bytes:
        return self.requests[0]

    def next(self, reply: bytes | None) -> bytes | None:
        """The next request, or None when done (a reply came, or no community is left)."""
        if reply:
            return None
        self.index += 1
        return self.requests[self.index] if self.index < len(self.requests) else None


def snmp_request(credentials: SnmpCredentials) -> SnmpExchange:
    return SnmpExchange(credentials)
