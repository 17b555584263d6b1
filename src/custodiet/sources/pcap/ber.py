"""A small, bounded BER/DER reader for SNMP messages and X.509 certificates.

Only what those two need: definite lengths, low tag numbers, OIDs, strings. Every length is
checked against the enclosing element, nesting is not recursive, and a malformed element raises
BerError (a ValueError) for the caller to count, never anything else.
"""

from __future__ import annotations

from collections.abc import Iterator

SEQUENCE = 0x30
SET = 0x31
OCTET_STRING = 0x04
OID = 0x06
INTEGER = 0x02

MAX_OID_ARCS = 128


class BerError(ValueError):
    """Malformed or unsupported BER."""


def tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the element at pos; it must fit before end."""
    if pos + 2 > end:
        raise BerError("element header past the end")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise BerError("high tag numbers are not used here")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise BerError("indefinite or oversized length")
        if pos + count > end:
            raise BerError("length past the end")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise BerError("value past the end")
    return tag, pos, pos + length


def children(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """The elements inside a constructed value, in order."""
    pos = start
    while pos < end:
        tag, vstart, vend = tlv(data, pos, end)
        yield tag, vstart, vend
        pos = vend


def expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    """(value start, value end) of the element at pos, which must have this tag."""
    found, vstart, vend = tlv(data, pos, end)
    if found != tag:
        raise BerError(f"expected tag {tag:#x}, found {found:#x}")
    return vstart, vend


def oid(data: bytes, start: int, end: int) -> str:
    """An OBJECT IDENTIFIER value in dotted form."""
    if start >= end:
        raise BerError("empty OID")
    arcs: list[int] = []
    value = 0
    for i in range(start, end):
        byte = data[i]
        value = (value << 7) | (byte & 0x7F)
        if value.bit_length() > 64:
            raise BerError("OID arc too large")
        if not byte & 0x80:
            arcs.append(value)
            value = 0
            if len(arcs) > MAX_OID_ARCS:
                raise BerError("OID too long")
    if data[end - 1] & 0x80:
        raise BerError("OID ends inside an arc")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))
