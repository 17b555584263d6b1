"""TLS handshakes: the server name a client asks for, and the names in a server's certificate.

A ClientHello's server_name extension (RFC 6066) says which host the client contacted. A TLS 1.2
(or older) server sends its certificate chain in clear in the Certificate message; the leaf's
subject and issuer often name the device maker. TLS 1.3 encrypts certificates, so a ServerHello
that selects 1.3 ends the search.

The handshake may span several records and several TCP segments: these functions take the
reassembled start of one direction and answer None while they need more bytes.
"""

from __future__ import annotations

from custodiet.sources.nmap_xml import render_dn
from custodiet.sources.pcap import ber
from custodiet.sources.text import decode

_HANDSHAKE = 22
_CLIENT_HELLO = 1
_SERVER_HELLO = 2
_CERTIFICATE = 11
_SERVER_HELLO_DONE = 14

# Attribute type OIDs -> the short names RFC 4514 uses (others stay dotted).
_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.11": "OU",
    "2.5.4.10": "O",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "2.5.4.5": "serialNumber",
    "2.5.4.4": "SN",
    "2.5.4.42": "GN",
    "2.5.4.12": "title",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
}
_MAX_RDNS = 64


class TlsError(ValueError):
    """A handshake that cannot be what it claims."""


def looks_like_handshake(data: bytes | bytearray) -> bool:
    """A TLS handshake record header: type 22, version 3.x."""
    return len(data) >= 3 and data[0] == _HANDSHAKE and data[1] == 3 and data[2] <= 4


def _messages(data: bytes) -> tuple[bytes, bool]:
    """The handshake bytes of the leading handshake records, and whether a non-handshake
    record (or a broken one) ended them."""
    out = bytearray()
    pos = 0
    size = len(data)
    while pos + 5 <= size:
        rtype = data[pos]
        if rtype != _HANDSHAKE:
            return bytes(out), True
        if data[pos + 1] != 3:
            raise TlsError("not a TLS record")
        length = (data[pos + 3] << 8) | data[pos + 4]
        if length > 18432:
            raise TlsError("record too long")
        out += data[pos + 5 : pos + 5 + length]
        if pos + 5 + length > size:
            return bytes(out), False
        pos += 5 + length
    return bytes(out), False


def client_sni(data: bytes) -> tuple[bool, str | None]:
    """(complete, server name) of the ClientHello at the start of a client stream.

    complete is False while the hello is not whole yet; the name is None when it has none.
    Raises TlsError when the bytes are not a ClientHello.
    """
    hs, _ended = _messages(data)
    if len(hs) < 4:
        return False, None
    if hs[0] != _CLIENT_HELLO:
        raise TlsError("first handshake message is not a ClientHello")
    length = int.from_bytes(hs[1:4], "big")
    if len(hs) < 4 + length:
        return False, None
    body = hs[4 : 4 + length]
    pos = 34  # version, random
    if pos >= len(body):
        raise TlsError("short ClientHello")
    pos += 1 + body[pos]  # session id
    if pos + 2 > len(body):
        raise TlsError("short ClientHello")
    pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # cipher suites
    if pos >= len(body):
        raise TlsError("short ClientHello")
    pos += 1 + body[pos]  # compression methods
    if pos + 2 > len(body):
        return True, None  # no extensions
    end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
    if end > len(body):
        raise TlsError("extensions past the end")
    pos += 2
    while pos + 4 <= end:
        etype = int.from_bytes(body[pos : pos + 2], "big")
        elen = int.from_bytes(body[pos + 2 : pos + 4], "big")
        ext = body[pos + 4 : pos + 4 + elen]
        if pos + 4 + elen > end:
            raise TlsError("extension past the end")
        if etype == 0:
            return True, _sni(ext)
        pos += 4 + elen
    return True, None


def _sni(ext: bytes) -> str | None:
    """The host_name entry of a server_name extension, lower-case, without a trailing dot."""
    pos = 2
    while pos + 3 <= len(ext):
        kind = ext[pos]
        length = int.from_bytes(ext[pos + 1 : pos + 3], "big")
        name = ext[pos + 3 : pos + 3 + length]
        if kind == 0 and name:
            text = decode(name).strip().rstrip(".").lower()
            return text or None
        pos += 3 + length
    return None


def server_certificate(data: bytes, final: bool) -> tuple[bool, list[tuple[str, str]]]:
    """(done, [(field, text)]) from the start of a server stream.

    done is False while the certificate may still come; final says no more bytes will.
    """
    hs, ended = _messages(data)
    pos = 0
    while pos + 4 <= len(hs):
        mtype = hs[pos]
        length = int.from_bytes(hs[pos + 1 : pos + 4], "big")
        body = hs[pos + 4 : pos + 4 + length]
        if mtype == _SERVER_HELLO:
            if len(body) < length:
                return final or ended, []
            if _is_tls13(body):
                return True, []
        elif mtype == _CERTIFICATE:
            return _leaf(body, length, final or ended)
        elif mtype == _SERVER_HELLO_DONE or mtype not in (12, 13, 22):
            return True, []
        pos += 4 + length
    return final or ended, []


def _is_tls13(body: bytes) -> bool:
    """A ServerHello whose supported_versions extension selects TLS 1.3 (or a draft)."""
    pos = 34
    if pos >= len(body):
        return False
    pos += 1 + body[pos] + 2 + 1  # session id, cipher suite, compression
    if pos + 2 > len(body):
        return False
    end = min(len(body), pos + 2 + int.from_bytes(body[pos : pos + 2], "big"))
    pos += 2
    while pos + 4 <= end:
        etype = int.from_bytes(body[pos : pos + 2], "big")
        elen = int.from_bytes(body[pos + 2 : pos + 4], "big")
        if etype == 43 and elen == 2:
            return (body[pos + 4] == 3 and body[pos + 5] >= 4) or body[pos + 4] == 0x7F
        pos += 4 + elen
    return False


def _leaf(body: bytes, length: int, final: bool) -> tuple[bool, list[tuple[str, str]]]:
    """Subject and issuer of the first certificate of a (TLS <= 1.2) Certificate message."""
    if len(body) < 6:
        return final, []
    size = int.from_bytes(body[3:6], "big")
    cert = body[6 : 6 + size]
    if len(cert) < size:
        return final, []
    subject, issuer = certificate_names(cert)
    return True, [(f, t) for f, t in (("tls.subject", subject), ("tls.issuer", issuer)) if t]


def certificate_names(cert: bytes) -> tuple[str, str]:
    """(subject, issuer) of a DER certificate as RFC 4514-style strings. Raises ber.BerError."""
    start, end = ber.expect(cert, 0, len(cert), ber.SEQUENCE)
    tstart, tend = ber.expect(cert, start, end, ber.SEQUENCE)
    fields = ber.children(cert, tstart, tend)
    tag = next(fields, (0, 0, 0))[0]
    if tag == 0xA0:  # explicit version
        tag = next(fields, (0, 0, 0))[0]
    if tag != ber.INTEGER:
        raise ber.BerError("certificate without serial number")
    algorithm = next(fields, None)
    issuer = next(fields, None)
    _validity = next(fields, None)
    subject = next(fields, None)
    if algorithm is None or issuer is None or subject is None:
        raise ber.BerError("short certificate")
    return _name(cert, subject), _name(cert, issuer)


def _name(cert: bytes, element: tuple[int, int, int]) -> str:
    tag, start, end = element
    if tag != ber.SEQUENCE:
        raise ber.BerError("name is not a sequence")
    pairs: list[tuple[str, str]] = []
    for count, (rtag, rs, re_) in enumerate(ber.children(cert, start, end)):
        if count >= _MAX_RDNS or rtag != ber.SET:
            break
        for atag, as_, ae in ber.children(cert, rs, re_):
            if atag != ber.SEQUENCE:
                continue
            parts = ber.children(cert, as_, ae)
            otag, os_, oe = next(parts, (0, 0, 0))
            vtag, vs, ve = next(parts, (0, 0, 0))
            if otag != ber.OID:
                continue
            key = ber.oid(cert, os_, oe)
            pairs.append((_NAMES.get(key, key), _string(cert[vs:ve], vtag)))
    return render_dn(pairs)


def _string(raw: bytes, tag: int) -> str:
    """A directory string as text: BMPString is UTF-16, UniversalString UTF-32, others bytes
    as sent (UTF-8, with undecodable bytes kept as escapes)."""
    try:
        if tag == 0x1E:
            return raw.decode("utf-16-be")
        if tag == 0x1C:
            return raw.decode("utf-32-be")
    except UnicodeDecodeError:
        pass
    return decode(raw)
