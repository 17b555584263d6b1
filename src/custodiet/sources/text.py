"""Small helpers every source shares: bytes to bounded text, MAC and IP normalisation.

Device text is untrusted: it may be invalid UTF-8, megabytes long or full of control bytes.
Sources keep it as raw as they can (an auditor must see what the device sent) but never let
it grow memory or reports, so every text passes through `bound` or `decode` before it becomes
an Observation.
"""

from __future__ import annotations

import ipaddress

from custodiet.model.observation import MAX_TEXT

# One character of text comes from at most 4 bytes of UTF-8 (and an undecodable byte
# becomes 4 characters), so decoding this many bytes always yields MAX_TEXT characters
# when the input is long enough: bytes past it can never reach the result.
_MAX_BYTES = 4 * MAX_TEXT

_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_BYTES = frozenset(b"0123456789abcdefABCDEF")


def bound(text: str) -> str:
    """Cut text to MAX_TEXT characters (a hostile banner must not grow memory or reports)."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT]


def decode(data: bytes) -> str:
    """Bytes off the wire or from a file, as bounded text.

    UTF-8; bytes that are not valid UTF-8 stay visible as \\xNN escapes rather than being
    dropped or replaced, so that a signature or an auditor can still see them.
    """
    if len(data) > _MAX_BYTES:
        data = data[:_MAX_BYTES]
    return bound(data.decode("utf-8", "backslashreplace"))


def normalise_mac(text: str) -> str | None:
    """A MAC in any usual notation as upper-case colon form ("AA:BB:CC:DD:EE:FF"), else None.

    Accepts colon, hyphen, dot (Cisco "aabb.ccdd.eeff") and bare-hex forms, because
    inventories and tools write MACs every way.
    """
    digits = text.strip()
    for sep in (":", "-", ".", " "):
        digits = digits.replace(sep, "")
    if len(digits) != 12 or not _HEX.issuperset(digits):
        return None
    digits = digits.upper()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _is_canonical_ipv4(text: str) -> bool:
    """Fast path: a dotted quad already in canonical form (most addresses) needs no parsing."""
    parts = text.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not (part.isdigit() and part.isascii()) or len(part) > 3 or (part[0] == "0" and len(part) > 1):
            return False
        if int(part) > 255:
            return False
    return True


def normalise_ip(text: str) -> str | None:
    """An IPv4 or IPv6 address as a canonical string, else None.

    IPv6 is compressed and lower-case; an IPv4-mapped IPv6 address becomes the IPv4 address
    and a zone ("%eth0") or brackets are dropped, so that the same host read from two
    sources gets the same subject.
    """
    candidate = text.strip()
    if _is_canonical_ipv4(candidate):
        return candidate
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    zone = candidate.find("%")
    if zone >= 0:
        candidate = candidate[:zone]
    if not candidate or len(candidate) > 45:
        return None
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def hex_unescape(raw: bytes) -> bytes:
    """Bytes with every \\xHH escape replaced by the byte it stands for (nmap's XML writer and
    Zeek's logs both write undisplayable bytes so); a \\x without two hex digits stays as it is."""
    out = bytearray()
    pos = 0
    while True:
        slash = raw.find(b"\\x", pos)
        if slash < 0:
            out += raw[pos:]
            return bytes(out)
        digits = raw[slash + 2 : slash + 4]
        out += raw[pos:slash]
        if len(digits) == 2 and digits[0] in _HEX_BYTES and digits[1] in _HEX_BYTES:
            out.append(int(digits, 16))
            pos = slash + 4
        else:
            out += b"\\x"
            pos = slash + 2
