"""A minimal BER codec, just enough for an SNMP v1/v2c agent and a test client.

Why our own: the emulators must not depend on an SNMP library, and writing the few
encodings SNMP uses (X.690 definite-length TLV) keeps the bytes we send fully under
our control, which is the point of an emulator. Decoding is strict and bounded: it
raises BerError on anything malformed instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

# Universal and SNMP application tags used here (X.690, RFC 1155/2578, RFC 3416).
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82
GET_REQUEST = 0xA0
GET_NEXT_REQUEST = 0xA1
GET_RESPONSE = 0xA2

MAX_DEPTH = 8


class BerError(ValueError):
    """Malformed or unsupported BER input."""


@dataclass(frozen=True, slots=True)
class Tlv:
    """One decoded element: its tag byte and raw value bytes."""

    tag: int
    value: bytes


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    """Encode one element with a definite length."""
    return bytes([tag]) + _length(len(value)) + value


def enc_int(value: int, tag: int = INTEGER) -> bytes:
    """Two's-complement minimal encoding (X.690 8.3)."""
    length = max(1, (value.bit_length() + 8) // 8)
    return tlv(tag, value.to_bytes(length, "big", signed=True))


def enc_unsigned(value: int, tag: int) -> bytes:
    """Unsigned application integers (Counter32, TimeTicks): no negative sign bit."""
    body = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return tlv(tag, body)


def enc_str(value: bytes | str) -> bytes:
    """OCTET STRING; str is encoded as UTF-8, bytes are sent as they are."""
    return tlv(OCTET_STRING, value.encode("utf-8") if isinstance(value, str) else value)


def enc_null(tag: int = NULL) -> bytes:
    return tlv(tag, b"")


def enc_oid(dotted: str) -> bytes:
    """OBJECT IDENTIFIER from dotted text ("1.3.6.1.2.1.1.1.0"; a leading dot is allowed)."""
    arcs = [int(a) for a in dotted.strip(".").split(".")]
    if len(arcs) < 2 or arcs[0] > 2:
        raise BerError(f"bad OID {dotted!r}")
    out = bytearray()
    for i, arc in enumerate([arcs[0] * 40 + arcs[1], *arcs[2:]]):
        del i
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(OID, bytes(out))


def seq(*items: bytes, tag: int = SEQUENCE) -> bytes:
    return tlv(tag, b"".join(items))


def decode_one(data: bytes, pos: int = 0) -> tuple[Tlv, int]:
    """Decode the element at pos; return it and the position after it."""
    if pos + 2 > len(data):
        raise BerError("truncated header")
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise BerError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    end = pos + length
    if end > len(data):
        raise BerError("truncated value")
    return Tlv(tag, data[pos:end]), end


def decode_all(data: bytes) -> list[Tlv]:
    """Decode a concatenation of elements (the body of a SEQUENCE)."""
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        item, pos = decode_one(data, pos)
        items.append(item)
        if len(items) > 256:
            raise BerError("too many elements")
    return items


def dec_int(item: Tlv) -> int:
    if not item.value or len(item.value) > 8:
        raise BerError("bad integer")
    return int.from_bytes(item.value, "big", signed=item.tag == INTEGER)


def dec_oid(item: Tlv) -> str:
    if item.tag != OID or not item.value:
        raise BerError("not an OID")
    arcs: list[int] = []
    value = 0
    for byte in item.value:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return ".".join(str(a) for a in head + arcs[1:])


def oid_key(dotted: str) -> tuple[int, ...]:
    """Sort key giving SNMP's lexicographic OID order."""
    return tuple(int(a) for a in dotted.strip(".").split("."))


@dataclass(frozen=True, slots=True)
class SnmpMessage:
    """A decoded SNMP v1/v2c message."""

    version: int  # 0 = v1, 1 = v2c
    community: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: tuple[tuple[str, Tlv], ...]


def decode_snmp(data: bytes) -> SnmpMessage:
    """Decode a v1/v2c message; raise BerError for anything else (v3 included)."""
    top, end = decode_one(data)
    if top.tag != SEQUENCE or end != len(data):
        raise BerError("not one SEQUENCE")
    parts = decode_all(top.value)
    if len(parts) != 3 or parts[0].tag != INTEGER or parts[1].tag != OCTET_STRING:
        raise BerError("not an SNMP v1/v2c message")
    version = dec_int(parts[0])
    if version not in (0, 1):
        raise BerError(f"SNMP version {version} not supported")
    pdu = parts[2]
    fields = decode_all(pdu.value)
    if len(fields) != 4 or fields[3].tag != SEQUENCE:
        raise BerError("bad PDU")
    binds: list[tuple[str, Tlv]] = []
    for vb in decode_all(fields[3].value):
        pair = decode_all(vb.value)
        if vb.tag != SEQUENCE or len(pair) != 2:
            raise BerError("bad varbind")
        binds.append((dec_oid(pair[0]), pair[1]))
    return SnmpMessage(
        version=version,
        community=parts[1].value,
        pdu_type=pdu.tag,
        request_id=dec_int(fields[0]),
        error_status=dec_int(fields[1]),
        error_index=dec_int(fields[2]),
        varbinds=tuple(binds),
    )


def encode_snmp(
    version: int,
    community: bytes,
    pdu_type: int,
    request_id: int,
    varbinds: list[tuple[str, bytes]],
    error_status: int = 0,
    error_index: int = 0,
) -> bytes:
    """Encode a message; varbind values are already-encoded TLVs."""
    binds = b"".join(seq(enc_oid(oid), value) for oid, value in varbinds)
    pdu = seq(
        enc_int(request_id),
        enc_int(error_status),
        enc_int(error_index),
        seq(binds),
        tag=pdu_type,
    )
    return seq(enc_int(version), enc_str(community), pdu)
