"""Link layers: where the network-layer packet starts, which protocol it is, and the sender's MAC.

Ethernet (with 802.1Q / 802.1ad / QinQ tags) is decoded inline in the packet loop for speed; the
other link types a defender's capture may have come here: Linux cooked capture v1 and v2
(`tcpdump -i any`), raw IPv4/IPv6, and the BSD loopback / null encapsulations. Each decoder takes
(buffer, start, end) and returns (sender MAC or None, EtherType, network-layer start), or None
when the frame is too short or carries something else.
"""

from __future__ import annotations

from collections.abc import Callable

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_ARP = 0x0806
ETH_LLDP = 0x88CC
VLAN_TAGS = frozenset({0x8100, 0x88A8, 0x9100, 0x9200})

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

# BSD address families for IPv6 differ per OS (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS).
_AF_INET6 = frozenset({24, 28, 30, 10})

Decoded = tuple[bytes | None, int, int]
Decoder = Callable[[bytes, int, int], Decoded | None]

_ARPHRD_ETHER = 1


def _raw(buf: bytes, start: int, end: int) -> Decoded | None:
    """Raw IP: the version nibble says which."""
    if start >= end:
        return None
    version = buf[start] >> 4
    if version == 4:
        return None, ETH_IPV4, start
    if version == 6:
        return None, ETH_IPV6, start
    return None


def _ipv4(buf: bytes, start: int, end: int) -> Decoded | None:
    return (None, ETH_IPV4, start) if start < end else None


def _ipv6(buf: bytes, start: int, end: int) -> Decoded | None:
    return (None, ETH_IPV6, start) if start < end else None


def _family(family: int) -> int | None:
    if family == 2:
        return ETH_IPV4
    if family in _AF_INET6:
        return ETH_IPV6
    return None


def _null(buf: bytes, start: int, end: int) -> Decoded | None:
    """DLT_NULL: a 4-byte address family in the capturing host's byte order (either)."""
    if end - start < 4:
        return None
    little = int.from_bytes(buf[start : start + 4], "little")
    kind = _family(little) if little < 256 else _family(int.from_bytes(buf[start : start + 4], "big"))
    return (None, kind, start + 4) if kind is not None else None


def _loop(buf: bytes, start: int, end: int) -> Decoded | None:
    """DLT_LOOP (OpenBSD): the address family in network byte order."""
    if end - start < 4:
        return None
    kind = _family(int.from_bytes(buf[start : start + 4], "big"))
    return (None, kind, start + 4) if kind is not None else None


def _sll(buf: bytes, start: int, end: int) -> Decoded | None:
    """Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.

    The address is the sender's link-layer address for every packet type.
    """
    if end - start < 16:
        return None
    hatype = (buf[start + 2] << 8) | buf[start + 3]
    alen = (buf[start + 4] << 8) | buf[start + 5]
    proto = (buf[start + 14] << 8) | buf[start + 15]
    mac = buf[start + 6 : start + 12] if hatype == _ARPHRD_ETHER and alen == 6 else None
    return _cooked_vlan(buf, start + 16, end, mac, proto)


def _sll2(buf: bytes, start: int, end: int) -> Decoded | None:
    """Linux cooked v2: protocol, reserved, interface index, ARPHRD type, packet type, address
    length, 8 address bytes."""
    if end - start < 20:
        return None
    proto = (buf[start] << 8) | buf[start + 1]
    hatype = (buf[start + 8] << 8) | buf[start + 9]
    alen = buf[start + 11]
    mac = buf[start + 12 : start + 18] if hatype == _ARPHRD_ETHER and alen == 6 else None
    return _cooked_vlan(buf, start + 20, end, mac, proto)


def _cooked_vlan(buf: bytes, pos: int, end: int, mac: bytes | None, proto: int) -> Decoded | None:
    """Cooked captures keep VLAN tags in the payload when the kernel did not strip them."""
    while proto in VLAN_TAGS:
        if pos + 4 > end:
            return None
        proto = (buf[pos + 2] << 8) | buf[pos + 3]
        pos += 4
    return mac, proto, pos


def ethernet(buf: bytes, start: int, end: int) -> Decoded | None:
    """Ethernet II with any number of VLAN tags (the packet loop inlines the common case)."""
    if end - start < 14:
        return None
    proto = (buf[start + 12] << 8) | buf[start + 13]
    return _cooked_vlan(buf, start + 14, end, buf[start + 6 : start + 12], proto)


DECODERS: dict[int, Decoder] = {
    LINKTYPE_ETHERNET: ethernet,
    LINKTYPE_NULL: _null,
    LINKTYPE_LOOP: _loop,
    LINKTYPE_RAW: _raw,
    12: _raw,  # DLT_RAW on most BSDs and Linux
    14: _raw,  # DLT_RAW on OpenBSD
    LINKTYPE_IPV4: _ipv4,
    LINKTYPE_IPV6: _ipv6,
    LINKTYPE_LINUX_SLL: _sll,
    LINKTYPE_LINUX_SLL2: _sll2,
}
