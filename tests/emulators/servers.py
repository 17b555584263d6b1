"""asyncio servers that answer the way a profile says.

Each server speaks just enough of its protocol to return the profile's bytes to a
scanner or a test client: HTTP(S) routes and an ONVIF device service, RTSP replies,
TCP banners (SSH, FTP, Telnet with its IAC bytes), a silent TCP port, and UDP agents
for SNMP v1/v2c, SIP OPTIONS, SSDP M-SEARCH and WS-Discovery Probe. Nothing here
authenticates, streams video or completes an SSH key exchange: identity text only.

Every read is bounded in size and time so a misbehaving client cannot pin a task.
"""

from __future__ import annotations

import asyncio
import email.utils
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ber
from .profiles import Profile, Service

MAX_HEAD = 16384
MAX_BODY = 65536
READ_TIMEOUT = 10.0
IDLE_TIMEOUT = 15.0


def as_bytes(value: Any) -> bytes:
    """Profile text is UTF-8 unless the profile gave raw bytes (YAML !!binary)."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


@dataclass
class Context:
    """What templates may refer to: the device's address and its real ports."""

    address: str
    ports: dict[str, int]
    profile: Profile
    started: float = field(default_factory=time.monotonic)
    extra: dict[str, bytes] = field(default_factory=dict)

    def render(self, value: Any) -> bytes:
        """Replace ${address}, ${port:NAME}, ${date}, ${nonce}, ${uuid} and extras.

        Plain string scanning on trusted profile text; unknown tokens stay as they are.
        """
        data = as_bytes(value)
        if b"${" not in data:
            return data
        out = bytearray()
        pos = 0
        while True:
            start = data.find(b"${", pos)
            if start < 0:
                out += data[pos:]
                return bytes(out)
            end = data.find(b"}", start)
            if end < 0:
                out += data[pos:]
                return bytes(out)
            out += data[pos:start]
            out += self._token(data[start + 2 : end].decode("ascii", "replace"), data[start : end + 1])
            pos = end + 1

    def _token(self, name: str, raw: bytes) -> bytes:
        if name == "address":
            return self.address.encode()
        if name.startswith("port:"):
            port = self.ports.get(name[5:])
            return str(port).encode() if port is not None else raw
        if name == "date":
            return email.utils.formatdate(usegmt=True).encode()
        if name == "nonce":
            return secrets.token_hex(16).encode()
        if name == "uuid":
            return str(uuid.uuid4()).encode()
        if name == "iso_now":
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode()
        return self.extra.get(name, raw)


def render_headers(ctx: Context, headers: list[list[Any]] | None) -> list[tuple[bytes, bytes]]:
    """Headers in profile order; a header whose value renders empty-from-token is dropped."""
    out: list[tuple[bytes, bytes]] = []
    for item in headers or []:
        name, value = item[0], item[1]
        rendered = ctx.render(value)
        if rendered == b"\x00drop":
            continue
        out.append((as_bytes(name), rendered))
    return out


async def _read_head(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """Read a request head up to its blank line; return (head, bytes read past it).

    Stops early, as embedded servers do, when the input cannot be a text request (a TLS
    ClientHello, binary probes): a scanner then gets its answer at once instead of
    waiting for our read timeout.
    """
    data = b""
    while len(data) < MAX_HEAD:
        chunk = await asyncio.wait_for(reader.read(MAX_HEAD - len(data)), READ_TIMEOUT)
        if not chunk:
            return data, b""
        data += chunk
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            return data[: end + 4], data[end + 4 :]
        if not data[:1].isalpha():
            return data, b""
    return data, b""


def _header_value(head: bytes, name: bytes) -> bytes | None:
    """Case-insensitive header lookup in a raw request head."""
    wanted = name.lower() + b":"
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(wanted):
            return line[len(wanted) :].strip()
    return None


async def _close(writer: asyncio.StreamWriter) -> None:
    try:
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


# --------------------------------------------------------------------------- HTTP


class HttpApp:
    """Routes of one HTTP service (shared by its HTTPS twin)."""

    def __init__(self, ctx: Context, spec: dict[str, Any]) -> None:
        self.ctx = ctx
        self.version = as_bytes(spec.get("version", "HTTP/1.1"))
        self.routes = list(spec.get("routes") or [])
        self.onvif = spec.get("onvif")

    def find(self, method: str, target: str) -> dict[str, Any] | None:
        path = target.split("?", 1)[0]
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        for route in self.routes:
            m, _, p = str(route["match"]).partition(" ")
            by_key.setdefault((m, p), route)
        for key in ((method, target), (method, path), ("*", target), ("*", path), (method, "*"), ("*", "*")):
            if key in by_key:
                return by_key[key]
        return None

    def _explicit(self, method: str, target: str) -> bool:
        """Whether a route names this method for this target (HEAD falls back to GET)."""
        path = target.split("?", 1)[0]
        return any(str(r["match"]) in (f"{method} {target}", f"{method} {path}") for r in self.routes)

    def respond(self, route: dict[str, Any], head_only: bool) -> bytes:
        version = as_bytes(route.get("version", self.version))
        status = as_bytes(route.get("status", "200 OK"))
        headers = render_headers(self.ctx, route.get("headers"))
        body = self.ctx.render(route.get("body", b""))
        names = {n.lower() for n, _ in headers}
        if route.get("content_length", True) and b"content-length" not in names:
            headers.append((b"Content-Length", str(len(body)).encode()))
        lines = [version + b" " + status] + [n + b": " + v for n, v in headers]
        return b"\r\n".join(lines) + b"\r\n\r\n" + (b"" if head_only else body)

    def onvif_reply(self, body: bytes) -> bytes:
        """SOAP 1.2 answers of the ONVIF device service (ONVIF Core spec 8.3.1, 8.3.13)."""
        info = self.onvif or {}
        if b"GetDeviceInformation" in body:
            inner = (
                b"<tds:GetDeviceInformationResponse>"
                + b"".join(
                    b"<tds:" + k + b">" + self.ctx.render(info.get(k.decode(), "")) + b"</tds:" + k + b">"
                    for k in (b"Manufacturer", b"Model", b"FirmwareVersion", b"SerialNumber", b"HardwareId")
                )
                + b"</tds:GetDeviceInformationResponse>"
            )
        elif b"GetSystemDateAndTime" in body:
            t = time.gmtime()
            inner = (
                b"<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
                b"<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
                b"<tt:TimeZone><tt:TZ>" + as_bytes(info.get("TZ", "CST-0:00:00")) + b"</tt:TZ></tt:TimeZone>"
                b"<tt:UTCDateTime><tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute>"
                b"<tt:Second>%d</tt:Second></tt:Time><tt:Date><tt:Year>%d</tt:Year>"
                b"<tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date></tt:UTCDateTime>"
                b"</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
                % (t.tm_hour, t.tm_min, t.tm_sec, t.tm_year, t.tm_mon, t.tm_mday)
            )
        else:
            return self._soap(
                b"<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode>"
                b"<env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>"
                b'<env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason>'
                b"</env:Fault>",
                b"400 Bad Request",
            )
        return self._soap(inner, b"200 OK")

    def _soap(self, inner: bytes, status: bytes) -> bytes:
        doc = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
            b'xmlns:tt="http://www.onvif.org/ver10/schema" '
            b'xmlns:ter="http://www.onvif.org/ver10/error">'
            b"<env:Body>" + inner + b"</env:Body></env:Envelope>"
        )
        headers = render_headers(self.ctx, (self.onvif or {}).get("headers"))
        lines = [self.version + b" " + status]
        lines += [n + b": " + v for n, v in headers]
        lines += [b"Content-Type: application/soap+xml; charset=utf-8", b"Content-Length: %d" % len(doc)]
        return b"\r\n".join(lines) + b"\r\n\r\n" + doc

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head, rest = await _read_head(reader)
            if not head:
                return
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            if len(parts) != 3 or not parts[2].startswith(b"HTTP/"):
                route = next((r for r in self.routes if r["match"] == "BAD *"), None)
                if route is not None:
                    writer.write(self.respond(route, head_only=False))
                return
            method = parts[0].decode("latin-1")
            target = parts[1].decode("latin-1")
            length = _header_value(head, b"content-length")
            body = b""
            if length and length.isdigit():
                size = min(int(length), MAX_BODY)
                body = rest[:size]
                if len(body) < size:
                    body += await asyncio.wait_for(reader.readexactly(size - len(body)), READ_TIMEOUT)
            if self.onvif and method == "POST" and target.split("?")[0] == "/onvif/device_service":
                writer.write(self.onvif_reply(body))
                return
            head_only = method == "HEAD"
            route = self.find("GET" if head_only and not self._explicit("HEAD", target) else method, target)
            if route is not None and "auth" in route and _header_value(head, b"authorization") is None:
                route = route["auth"]
            if route is not None and not route.get("close"):
                writer.write(self.respond(route, head_only))
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            await _close(writer)


# --------------------------------------------------------------------------- RTSP


class RtspApp:
    """Replies of one RTSP service, keyed by method ("*" for any other)."""

    def __init__(self, ctx: Context, spec: dict[str, Any]) -> None:
        self.ctx = ctx
        self.replies: dict[str, dict[str, Any]] = dict(spec.get("replies") or {})

    def respond(self, method: str, cseq: bytes | None) -> bytes | None:
        reply = self.replies.get(method) or self.replies.get("*")
        if reply is None:
            return None
        self.ctx.extra["cseq"] = cseq if cseq is not None else b"\x00drop"
        headers = render_headers(self.ctx, reply.get("headers"))
        status = as_bytes(reply.get("version", "RTSP/1.0")) + b" " + as_bytes(reply["status"])
        body = self.ctx.render(reply.get("body", b""))
        lines = [status] + [n + b": " + v for n, v in headers]
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            for _ in range(16):
                head, _ = await _read_head(reader)
                if not head or not head.endswith(b"\r\n\r\n"):
                    return
                method = head.split(b" ", 1)[0].decode("latin-1")
                reply = self.respond(method, _header_value(head, b"cseq"))
                if reply is None:
                    return
                writer.write(reply)
                await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            await _close(writer)


# --------------------------------------------------------------------------- banners


def banner_handler(ctx: Context, spec: dict[str, Any]) -> Callable[..., Any]:
    """Send the banner, then idle (reading and dropping input) until EOF or timeout.

    An SSH server sends its identification line first (RFC 4253 4.2), an FTP server its
    220 greeting (RFC 959), a Telnet server its IAC option negotiation then text; we
    stop there. `reply` (optional) is sent once after the first input, as a login
    prompt would be.
    """
    banner = ctx.render(spec.get("banner", b""))
    reply = ctx.render(spec["reply"]) if "reply" in spec else None

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if banner:
                writer.write(banner)
                await writer.drain()
            received = 0
            answered = False
            while received < MAX_BODY:
                chunk = await asyncio.wait_for(reader.read(4096), IDLE_TIMEOUT)
                if not chunk:
                    break
                received += len(chunk)
                if reply is not None and not answered:
                    writer.write(reply)
                    await writer.drain()
                    answered = True
        except (TimeoutError, ConnectionError):
            pass
        finally:
            await _close(writer)

    return handle


def silent_handler(ctx: Context, spec: dict[str, Any]) -> Callable[..., Any]:
    """An open port that says nothing (proprietary binary protocols we do not speak)."""
    return banner_handler(ctx, {"banner": b""})


# --------------------------------------------------------------------------- UDP


class _Udp(asyncio.DatagramProtocol):
    """Base: one reply per datagram, computed by `answer`."""

    def __init__(self, ctx: Context, spec: dict[str, Any]) -> None:
        self.ctx = ctx
        self.spec = spec
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            reply = self.answer(data[:MAX_BODY])
        except (ber.BerError, ValueError, IndexError):
            reply = None
        if reply and self.transport is not None:
            self.transport.sendto(reply, addr)

    def answer(self, data: bytes) -> bytes | None:
        raise NotImplementedError


SYSTEM_OIDS = {
    "sysDescr": "1.3.6.1.2.1.1.1.0",
    "sysObjectID": "1.3.6.1.2.1.1.2.0",
    "sysUpTime": "1.3.6.1.2.1.1.3.0",
    "sysContact": "1.3.6.1.2.1.1.4.0",
    "sysName": "1.3.6.1.2.1.1.5.0",
    "sysLocation": "1.3.6.1.2.1.1.6.0",
    "sysServices": "1.3.6.1.2.1.1.7.0",
}


class SnmpAgent(_Udp):
    """SNMP v1/v2c GET/GETNEXT over the system group (RFC 3418), one community.

    Wrong community or SNMPv3: no answer, as real agents do by default.
    """

    def _table(self) -> dict[str, bytes]:
        table: dict[str, bytes] = {}
        for name, oid in SYSTEM_OIDS.items():
            if name == "sysUpTime":
                ticks = int((time.monotonic() - self.ctx.started) * 100) + int(self.spec.get("uptime", 0))
                table[oid] = ber.enc_unsigned(ticks, ber.TIMETICKS)
            elif name == "sysObjectID" and name in self.spec:
                table[oid] = ber.enc_oid(str(self.spec[name]))
            elif name == "sysServices" and name in self.spec:
                table[oid] = ber.enc_int(int(self.spec[name]))
            elif name in self.spec:
                table[oid] = ber.enc_str(self.ctx.render(self.spec[name]))
        return table

    def answer(self, data: bytes) -> bytes | None:
        msg = ber.decode_snmp(data)
        if msg.community != as_bytes(self.spec.get("community", "public")):
            return None
        if msg.pdu_type not in (ber.GET_REQUEST, ber.GET_NEXT_REQUEST):
            return None
        table = self._table()
        order = sorted(table, key=ber.oid_key)
        out: list[tuple[str, bytes]] = []
        error, index = 0, 0
        for i, (oid, _) in enumerate(msg.varbinds, start=1):
            if msg.pdu_type == ber.GET_REQUEST:
                if oid in table:
                    out.append((oid, table[oid]))
                    continue
                value_tag = ber.NO_SUCH_OBJECT
                found = None
            else:
                key = ber.oid_key(oid)
                found = next((o for o in order if ber.oid_key(o) > key), None)
                if found is not None:
                    out.append((found, table[found]))
                    continue
                value_tag = ber.END_OF_MIB_VIEW
            if msg.version == 0:
                error, index = 2, i  # noSuchName (RFC 1157)
                out = [(o, ber.enc_null()) for o, _ in msg.varbinds]
                break
            out.append((oid, ber.enc_null(value_tag)))
        return ber.encode_snmp(
            msg.version, msg.community, ber.GET_RESPONSE, msg.request_id, out, error, index
        )


class SipAgent(_Udp):
    """Answers SIP requests (OPTIONS in practice) with one status and the profile's headers.

    Via, From, To, Call-ID and CSeq are copied from the request as RFC 3261 8.2.6.2 asks.
    """

    def answer(self, data: bytes) -> bytes | None:
        head = data.split(b"\r\n\r\n", 1)[0]
        first = head.split(b"\r\n", 1)[0]
        if not first.endswith(b"SIP/2.0"):
            return None
        copied: list[bytes] = []
        for line in head.split(b"\r\n")[1:]:
            name = line.split(b":", 1)[0].strip().lower()
            if name in (b"via", b"v", b"from", b"f", b"call-id", b"i", b"cseq"):
                copied.append(line)
            elif name in (b"to", b"t"):
                copied.append(line + (b"" if b"tag=" in line else b";tag=" + secrets.token_hex(4).encode()))
        headers = render_headers(self.ctx, self.spec.get("headers"))
        lines = [b"SIP/2.0 " + as_bytes(self.spec.get("status", "200 OK")), *copied]
        lines += [n + b": " + v for n, v in headers]
        lines.append(b"Content-Length: 0")
        return b"\r\n".join(lines) + b"\r\n\r\n"


class SsdpResponder(_Udp):
    """Unicast reply to an M-SEARCH (UPnP Device Architecture 1.1, 1.3.3)."""

    def answer(self, data: bytes) -> bytes | None:
        if not data.startswith(b"M-SEARCH"):
            return None
        st = (_header_value(data, b"st") or b"").strip()
        served = [as_bytes(s) for s in self.spec.get("search_targets", ["upnp:rootdevice"])]
        if st not in (b"ssdp:all", *served):
            return None
        self.ctx.extra["st"] = st if st != b"ssdp:all" else served[0]
        headers = render_headers(self.ctx, self.spec.get("headers"))
        lines = [b"HTTP/1.1 200 OK"] + [n + b": " + v for n, v in headers]
        return b"\r\n".join(lines) + b"\r\n\r\n"


class WsdResponder(_Udp):
    """Unicast ProbeMatches to a WS-Discovery Probe (WS-Discovery 2005/04; ONVIF Core 7.3)."""

    def answer(self, data: bytes) -> bytes | None:
        if b"Probe" not in data or b"ProbeMatch" in data:
            return None
        relates = b""
        mid = data.find(b"MessageID")
        if mid >= 0:
            start = data.find(b">", mid)
            end = data.find(b"<", start)
            if 0 <= start < end:
                relates = data[start + 1 : end].strip()
        scopes = b" ".join(self.ctx.render(s) for s in self.spec.get("scopes", []))
        doc = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
            b'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
            b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
            b"<env:Header>"
            b"<wsadis:MessageID>urn:uuid:" + self.ctx.render("${uuid}") + b"</wsadis:MessageID>"
            b"<wsadis:RelatesTo>" + relates + b"</wsadis:RelatesTo>"
            b"<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>"
            b"<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action>"
            b"</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>"
            b"<wsadis:EndpointReference><wsadis:Address>"
            + self.ctx.render(self.spec.get("endpoint", "urn:uuid:${uuid}"))
            + b"</wsadis:Address></wsadis:EndpointReference>"
            b"<d:Types>"
            + self.ctx.render(self.spec.get("types", "dn:NetworkVideoTransmitter"))
            + b"</d:Types>"
            b"<d:Scopes>" + scopes + b"</d:Scopes>"
            b"<d:XAddrs>" + self.ctx.render(self.spec.get("xaddrs", "")) + b"</d:XAddrs>"
            b"<d:MetadataVersion>1</d:MetadataVersion>"
            b"</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>"
        )
        return doc


UDP_PROTOCOLS: dict[str, type[_Udp]] = {
    "snmp": SnmpAgent,
    "sip": SipAgent,
    "ssdp": SsdpResponder,
    "wsd": WsdResponder,
}


def tcp_handler(ctx: Context, svc: Service, apps: dict[str, HttpApp]) -> Callable[..., Any]:
    """The connection callback for one TCP service."""
    if svc.kind in ("http", "https"):
        app_name = svc.spec.get("app", svc.name)
        if app_name not in apps:
            source = svc.spec if app_name == svc.name else ctx.profile.service(app_name).spec
            apps[app_name] = HttpApp(ctx, source)
        return apps[app_name].handle
    if svc.kind == "rtsp":
        return RtspApp(ctx, svc.spec).handle
    if svc.kind == "banner":
        return banner_handler(ctx, svc.spec)
    return silent_handler(ctx, svc.spec)
