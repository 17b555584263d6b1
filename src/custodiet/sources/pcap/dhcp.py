"""DHCP (and BOOTP) messages: what a client says about itself, and which address it got.

A client's DISCOVER / REQUEST / INFORM carries its host name (option 12), vendor class (60),
parameter request list (55, a fingerprint of its DHCP stack) and FQDN (81); its hardware
address is in chaddr. A server's ACK binds that hardware address to the address it leased
(yiaddr), which ties the client's facts to an IP address. Decoded with dpkt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dpkt

from custodiet.sources.text import decode

_HOSTNAME = 12
_PARAMS = 55
_VENDOR_CLASS = 60
_FQDN = 81
_MSGTYPE = 53
_ACK = 5


class DhcpError(ValueError):
    """Not a DHCP message."""


@dataclass
class Dhcp:
    """One message: who (client MAC), what address, and the client's facts."""

    request: bool
    mac: bytes | None
    client_ip: bytes | None  # ciaddr when set
    leased: bytes | None  # yiaddr of an ACK
    facts: list[tuple[str, str]] = field(default_factory=list)


def parse(data: bytes) -> Dhcp:
    try:
        msg = dpkt.dhcp.DHCP(data)
    except (dpkt.UnpackError, ValueError, IndexError, TypeError) as exc:
        raise DhcpError(f"malformed DHCP: {exc}") from None
    if msg.magic != dpkt.dhcp.DHCP_MAGIC:
        raise DhcpError("no DHCP magic cookie")
    mac = bytes(msg.chaddr[:6]) if msg.hrd == 1 and msg.hln == 6 else None
    opts = dict(msg.opts) if isinstance(msg.opts, list | tuple) else {}
    ciaddr = msg.ciaddr.to_bytes(4, "big") if msg.ciaddr else None
    if msg.op == 1:
        facts = []
        for code, name in ((_HOSTNAME, "hostname"), (_VENDOR_CLASS, "dhcp.vendor_class")):
            value = opts.get(code)
            if value:
                facts.append((name, decode(bytes(value).rstrip(b"\x00"))))
        params = opts.get(_PARAMS)
        if params:
            facts.append(("dhcp.parameter_list", ",".join(str(b) for b in bytes(params))))
        fqdn = _fqdn(opts.get(_FQDN))
        if fqdn:
            facts.append(("hostname", fqdn))
        return Dhcp(True, mac, ciaddr, None, [(f, t) for f, t in facts if t.strip()])
    msgtype = opts.get(_MSGTYPE, b"")
    leased = msg.yiaddr.to_bytes(4, "big") if msg.yiaddr and msgtype == bytes([_ACK]) else None
    return Dhcp(False, mac, ciaddr, leased)


def _fqdn(value: bytes | None) -> str:
    """Option 81 (RFC 4702): flags, two obsolete bytes, then the name, in DNS wire form when
    the E flag is set."""
    if not value or len(value) < 4:
        return ""
    name = bytes(value[3:])
    if value[0] & 0x04:
        labels: list[bytes] = []
        pos = 0
        while pos < len(name) and name[pos] and len(labels) < 64:
            size = name[pos]
            labels.append(name[pos + 1 : pos + 1 + size])
            pos += 1 + size
        name = b".".join(labels)
    return decode(name).strip().rstrip(".")
