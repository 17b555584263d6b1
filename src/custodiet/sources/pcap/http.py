"""HTTP-style heads (HTTP, and the RTSP and SIP responses that copy its syntax).

From a server's response: the status line and headers (http.headers, as nmap's http-headers shows
them), Server, WWW-Authenticate, Set-Cookie, the page title and the first KiB of the body, and
a UPnP device description when the body is one. From a client's request: the Host it asked for,
which becomes a Contact. Only plain string methods run on this text (it is untrusted).
"""

from __future__ import annotations

import zlib

from custodiet.markup import HEAD_LIMIT, head_end, title_bytes
from custodiet.numbers import whole_number
from custodiet.sources.text import decode

BODY_TEXT = 1024  # http.body: the first KiB
BODY_WANT = 8192  # how much body to wait for (a title is nearly always in it)
_MAX_HEADERS = 100

METHODS = (
    b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"PATCH ", b"CONNECT ",
    b"SUBSCRIBE ", b"NOTIFY ", b"M-SEARCH ", b"PROPFIND ",
)  # fmt: skip

Fact = tuple[str, str]


def split_head(data: bytes) -> tuple[list[str], list[tuple[str, str]], int]:
    """(lines, [(lower-case name, value)], body offset) of a head; body offset -1 when the head
    has not ended in the bytes given (the lines are then what there is)."""
    end = head_end(data)
    raw = data[: end if end >= 0 else HEAD_LIMIT]
    if end < 0 and not raw.endswith(b"\n"):
        cut = raw.rfind(b"\n")
        if cut > 0:
            raw = raw[:cut]  # the last line was cut (snaplen, a hole, the buffer's end): not a value
    lines = [line.rstrip("\r") for line in decode(raw).split("\n")]
    lines = [line for line in lines if line][: _MAX_HEADERS + 1]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        colon = line.find(":")
        if colon > 0:
            headers.append((line[:colon].strip().lower(), line[colon + 1 :].strip()))
    return lines, headers, end


def is_request(data: bytes | bytearray) -> bool:
    """An HTTP request line: a known method, then a target, then HTTP/1.x."""
    if not data.startswith(METHODS):
        return False
    line_end = data.find(b"\n", 0, 8192)
    line = data[:line_end] if line_end >= 0 else data[:8192]
    return b" HTTP/1." in line


def request_host(data: bytes) -> str | None:
    """The Host header of a request, lower-case, without port or trailing dot."""
    _lines, headers, _end = split_head(data)
    for name, value in headers:
        if name == "host":
            return clean_host(value)
    return None


def clean_host(value: str) -> str | None:
    host = value.strip().lower()
    if host.startswith("["):
        close = host.find("]")
        host = host[1:close] if close > 0 else host[1:]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    return host or None


def header_facts(headers: list[tuple[str, str]], mapping: dict[str, str]) -> list[Fact]:
    return [(mapping[name], value) for name, value in headers if name in mapping and value]


_HTTP_HEADERS = {
    "server": "http.server",
    "www-authenticate": "http.www_authenticate",
    "set-cookie": "http.cookie",
}


def response_wants_more(data: bytes) -> bool:
    """Whether a server stream should wait for more bytes before its response is read."""
    end = head_end(data)
    if end < 0:
        return True
    _lines, headers, _ = split_head(data[:end])
    length = next((v for n, v in headers if n == "content-length"), None)
    want = BODY_WANT
    number = whole_number(length) if length is not None and len(length) < 12 else None
    if number is not None:
        want = min(want, number)
    return len(data) - end < want


def response(data: bytes) -> list[Fact]:
    """Facts about the server from the start of its response stream."""
    lines, headers, end = split_head(data)
    if not lines:
        return []
    facts: list[Fact] = [("http.headers", "\r\n".join(lines))]
    facts += header_facts(headers, _HTTP_HEADERS)
    if end < 0:
        return facts
    body = _body(data[end:], headers)
    if not body.strip():
        return facts
    facts.append(("http.body", decode(body[:BODY_TEXT])))
    title = _title(body)
    if title:
        facts.append(("http.title", title))
    upnp = _upnp_device(body)
    if upnp:
        facts.append(("upnp.description", upnp))
    return facts


def _body(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The start of the body, de-chunked and decompressed as far as the bytes allow (bounded)."""
    names = dict(headers)
    if "chunked" in names.get("transfer-encoding", "").lower():
        raw = _dechunk(raw)
    encoding = names.get("content-encoding", "").lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            inflater = zlib.decompressobj(47 if "gzip" in encoding else 15)
            raw = inflater.decompress(raw, BODY_WANT)
        except zlib.error:
            try:
                raw = zlib.decompressobj(-15).decompress(raw, BODY_WANT)  # raw deflate
            except zlib.error:
                return b""
    return raw[:BODY_WANT]


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def _dechunk(raw: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos < len(raw) and len(out) < BODY_WANT:
        line_end = raw.find(b"\r\n", pos, pos + 64)
        if line_end < 0:
            break
        size_text = raw[pos:line_end].split(b";", 1)[0].strip()
        # Hex digits only: int() also takes "-6", "+6", "0x6" and "6_0", and a negative size
        # would send pos backwards (a hostile response made this loop forever).
        if not size_text or len(size_text) > 16 or not _HEX_DIGITS.issuperset(size_text):
            break
        size = int(size_text, 16)
        if size == 0:
            break
        out += raw[line_end + 2 : line_end + 2 + size]
        pos = line_end + 2 + size + 2
    return bytes(out)


def _title(body: bytes) -> str:
    """The text of the first <title> element, blanks trimmed (an unclosed one: 512 bytes of it)."""
    title = title_bytes(body, unclosed=512)
    return " ".join(decode(title).split()) if title else ""


_UPNP_ENDS = (b"<serviceList", b"<iconList", b"<deviceList", b"</device>")


def _upnp_device(body: bytes) -> str:
    """The <device> element of a UPnP device description, up to its service or icon list."""
    if b"urn:schemas-upnp-org:device-1-0" not in body and b"<deviceType>" not in body:
        return ""
    start = body.find(b"<device>")
    if start < 0:
        return ""
    stop = len(body)
    for marker in _UPNP_ENDS:
        found = body.find(marker, start)
        if 0 <= found < stop:
            stop = found
    fragment = body[start:stop].rstrip()
    if not fragment.endswith(b"</device>"):
        fragment += b"\n</device>"
    return decode(fragment)


_RTSP_HEADERS = {"server": "rtsp.server"}
_SIP_HEADERS = {"server": "sip.server", "user-agent": "sip.user_agent"}


def rtsp_response(data: bytes) -> list[Fact]:
    """rtsp.response (status line and headers, as nmap shows them) and rtsp.server."""
    lines, headers, _end = split_head(data)
    if not lines:
        return []
    return [("rtsp.response", "\r\n".join(lines)), *header_facts(headers, _RTSP_HEADERS)]


def is_sip(data: bytes | bytearray) -> bool:
    """A SIP request or response start line."""
    line_end = data.find(b"\r\n", 0, 2048)
    line = data[:line_end] if line_end >= 0 else data[:2048]
    return line.startswith(b"SIP/2.0 ") or line.endswith(b" SIP/2.0")


def sip_message(data: bytes) -> list[Fact]:
    """Server and User-Agent of a SIP message: both describe its sender."""
    _lines, headers, _end = split_head(data)
    return header_facts(headers, _SIP_HEADERS)
