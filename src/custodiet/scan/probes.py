"""The questions a scan asks one host, and nothing else.

Read-only identity questions, each from a public protocol description:

- TCP connect on the identity ports; a port that speaks first (SSH, FTP, Telnet, unknown ports)
  has its greeting read and is never answered (no login, no option negotiation);
- HTTP and HTTPS: GET / (redirects followed only to addresses in scope, at most 3), then the
  device APIs' identity questions that need no credentials - a 401 with its realm is an answer:
  Hikvision ISAPI GET /ISAPI/System/deviceInfo, Dahua GET /cgi-bin/magicBox.cgi?action=
  getSystemInfo, Axis VAPIX POST /axis-cgi/basicdeviceinfo.cgi getAllUnrestrictedProperties,
  ONVIF POST /onvif/device_service GetSystemDateAndTime and GetDeviceInformation (ONVIF Core
  5.9.4 lets both be asked without credentials); the TLS certificate of HTTPS ports;
- RTSP OPTIONS and DESCRIBE of the root URL without credentials (never SETUP or PLAY);
- SIP OPTIONS (UDP); SSDP M-SEARCH (unicast) and the description its LOCATION points to, when in
  scope; WS-Discovery Probe (unicast) and the ONVIF questions at its XAddrs, when in scope;
  an mDNS one-shot query for the DNS-SD service list (RFC 6762 5.1, RFC 6763 9);
- SNMP GET of sysDescr, sysObjectID and sysName only with the credentials the user gave.

Every probe goes through the ScopeGuard and the rate limiter, and hands a ProbeRecord to the sink.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import socket
import ssl
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from custodiet.model.probe import ProbeRecord
from custodiet.scan import wire
from custodiet.scan.limits import RateLimiter
from custodiet.scan.scope import OutOfScope, ScopeGuard
from custodiet.scan.snmp import SnmpCredentials, snmp_request

USER_AGENT = "custodiet-scan/0.1 (device identity probe)"
MAX_REDIRECTS = 3
BANNER_WAIT = 1.0  # seconds an unknown port is given to speak first

SERVER_FIRST = {21: "ftp", 22: "ssh", 23: "telnet", 2222: "ssh", 2323: "telnet"}
HTTP_PORTS = frozenset({80, 81, 82, 88, 5000, 7080, 8000, 8001, 8008, 8080, 8081, 8088, 8888, 9000})
HTTPS_PORTS = frozenset({443, 4443, 5001, 7443, 8043, 8443, 9443})
RTSP_PORTS = frozenset({554, 8554, 10554})
SIP_PORTS = frozenset({5060})

# Identity ports: web, RTSP, SSH, Telnet, FTP, SIP and the vendors' SDK and P2P ports
# (Hikvision 8000, Dahua 37777, Xiongmai 34567).
DEFAULT_TCP_PORTS = (21, 22, 23, 80, 81, 443, 554, 5000, 5060, 8000, 8080, 8443, 8554, 34567, 37777)
DEFAULT_UDP_PORTS = (1900, 3702, 5060, 5353)

ONVIF_PATH = "/onvif/device_service"
_ONVIF_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
    '<s:Body><{op} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>'
)
_AXIS_BODY = '{"apiVersion":"1.0","context":"custodiet","method":"getAllUnrestrictedProperties"}'


@dataclass(frozen=True)
class ApiQuestion:
    """One unauthenticated identity request of a device API."""

    method: str
    path: str
    body: str = ""
    content_type: str = ""
    soap_action: str = ""


API_QUESTIONS: tuple[ApiQuestion, ...] = (
    ApiQuestion("GET", "/ISAPI/System/deviceInfo"),
    ApiQuestion("GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo"),
    # Huawei HiLink (LTE/5G CPE, Mobile WiFi): the web UI reads the product class and model here
    # before any login (mpaulse/mobitra doc/develop.md; /api/device/information needs one).
    ApiQuestion("GET", "/api/device/basic_information"),
    ApiQuestion("POST", "/axis-cgi/basicdeviceinfo.cgi", _AXIS_BODY, "application/json"),
    ApiQuestion(
        "POST",
        ONVIF_PATH,
        _ONVIF_BODY.format(op="GetSystemDateAndTime"),
        "application/soap+xml; charset=utf-8",
        "http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime",
    ),
    ApiQuestion(
        "POST",
        ONVIF_PATH,
        _ONVIF_BODY.format(op="GetDeviceInformation"),
        "application/soap+xml; charset=utf-8",
        "http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation",
    ),
)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def client_tls_context() -> ssl.SSLContext:
    """A TLS client that talks to old embedded servers and verifies nothing: it only reads the
    certificate the device presents."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with contextlib.suppress(ValueError, ssl.SSLError), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # old devices speak only TLS 1.0
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def host_header(address: str, port: int, tls: bool) -> str:
    shown = f"[{address}]" if ":" in address else address
    return shown if port == (443 if tls else 80) else f"{shown}:{port}"


@dataclass
class HostReport:
    """What one host said (kept only while the host is scanned)."""

    address: str
    up: bool = False  # something answered: a connection, a refusal, a datagram
    open_tcp: list[int] = field(default_factory=list)
    onvif_asked: set[tuple[int, bool]] = field(default_factory=set)  # (port, tls) asked ONVIF
    described: set[str] = field(default_factory=set)  # UPnP description URLs fetched
    dribbling: set[tuple[str, int]] = field(default_factory=set)  # (address, port) that hit the deadline


Sink = Callable[[ProbeRecord], None]


class Prober:
    """Asks one host's ports the questions above; every byte through the guard."""

    def __init__(
        self,
        guard: ScopeGuard,
        limiter: RateLimiter,
        sink: Sink,
        *,
        timeout: float,
        per_host: int,
        snmp: SnmpCredentials | None = None,
    ) -> None:
        self.guard = guard
        self.limiter = limiter
        self.sink = sink
        self.timeout = timeout
        self.deadline = max(3 * timeout, timeout + 2.0)  # whole-reply cap: slowloris devices
        self.per_host = per_host
        self.snmp = snmp
        self.tls = client_tls_context()

    # ------------------------------------------------------------------ plumbing

    async def _connect(
        self, address: str, port: int, tls: bool = False, why: str = ""
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        await self.limiter.wait()
        return await self.guard.open_connection(
            address, port, timeout=self.timeout, ssl=self.tls if tls else None, why=why
        )

    def _record(
        self,
        address: str,
        port: int,
        transport: str,
        protocol: str,
        request: bytes,
        reply: bytes,
        started: float,
        when: str,
        error: str | None = None,
        **extra: object,
    ) -> None:
        self.sink(
            ProbeRecord(
                target=address,
                port=port,
                transport=transport,
                protocol=protocol,
                request=request,
                reply=reply,
                time=when,
                elapsed=time.monotonic() - started,
                error=error,
                **extra,  # type: ignore[arg-type]
            )
        )

    @staticmethod
    async def _close(writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            writer.close()
            await asyncio.wait_for(writer.wait_closed(), 1.0)

    # ------------------------------------------------------------------ TCP

    async def tcp_port(self, host: HostReport, port: int) -> None:
        """Connect; if open, ask the port's questions."""
        when, started = now_iso(), time.monotonic()
        try:
            reader, writer = await self._connect(host.address, port)
        except OutOfScope:
            return
        except ConnectionRefusedError:
            host.up = True  # a RST: the host is there, the port closed
            return
        except (TimeoutError, OSError):
            return
        host.up = True
        host.open_tcp.append(port)
        self._record(host.address, port, "tcp", "connect", b"", b"", started, when)
        try:
            if port in SERVER_FIRST:
                await self._banner(host, port, reader, SERVER_FIRST[port], wait=self.timeout)
            elif port in RTSP_PORTS:
                await self._rtsp(host, port, reader, writer)
            elif port in HTTPS_PORTS:
                await self._close(writer)
                await self.https(host, port)
            elif port in HTTP_PORTS:
                await self.http(host, port, reader, writer)
            elif port in SIP_PORTS:
                await self._sip_tcp(host, port, reader, writer)
            else:
                await self._unknown(host, port, reader, writer)
        finally:
            await self._close(writer)

    async def _banner(
        self, host: HostReport, port: int, reader: asyncio.StreamReader, protocol: str, wait: float
    ) -> bytes:
        """Read what the server sends first; answer nothing."""
        when, started = now_iso(), time.monotonic()

        def whole(data: bytes) -> bool:
            if data.startswith(b"SSH-"):
                return b"\n" in data
            if data[:3] == b"220":
                return any(line.startswith(b"220 ") for line in data.split(b"\n")[:-1])
            return False

        data, error = await wire.read_reply(
            reader, whole, idle=min(wait, 1.0) if protocol == "telnet" else wait,
            deadline=time.monotonic() + self.deadline, limit=4096,
        )  # fmt: skip
        if data:
            if error == "timeout":
                error = None  # a greeting ends with silence: the device waits for us
            kind = protocol
            if data.startswith(b"SSH-"):
                kind = "ssh"
            elif data[:1] == b"\xff":
                kind = "telnet"
            elif data[:4] in (b"220 ", b"220-"):
                kind = "ftp" if protocol != "telnet" else protocol
            self._record(host.address, port, "tcp", kind, b"", data, started, when, error)
        return data

    async def _unknown(
        self, host: HostReport, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """A port we have no name for: its greeting if it speaks first, else one GET /."""
        data = await self._banner(host, port, reader, "banner", wait=min(BANNER_WAIT, self.timeout))
        if data:
            return
        reply = await self._http_exchange(host, port, False, "GET", "/", reader=reader, writer=writer)
        if reply is not None and reply.startswith(b"HTTP/") and (host.address, port) not in host.dribbling:
            await self._api_questions(host, port, False)

    # ------------------------------------------------------------------ HTTP

    def _http_request(
        self,
        method: str,
        target: str,
        host: str,
        body: str = "",
        content_type: str = "",
        soap_action: str = "",
    ) -> bytes:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"User-Agent: {USER_AGENT}", "Accept: */*"]
        data = body.encode("utf-8")
        if method == "POST":
            ctype = content_type
            if soap_action:
                ctype += f'; action="{soap_action}"'
            lines += [f"Content-Type: {ctype}", f"Content-Length: {len(data)}"]
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data

    async def _http_exchange(
        self,
        host: HostReport,
        port: int,
        tls: bool,
        method: str,
        target: str,
        question: ApiQuestion | None = None,
        reader: asyncio.StreamReader | None = None,
        writer: asyncio.StreamWriter | None = None,
        address: str | None = None,
    ) -> bytes | None:
        """One request on a fresh connection (or the one given); the reply, None if none."""
        address = address or host.address
        when, started = now_iso(), time.monotonic()
        request = self._http_request(
            method,
            target,
            host_header(address, port, tls),
            *((question.body, question.content_type, question.soap_action) if question else ()),
        )
        own = reader is None
        try:
            if reader is None or writer is None:
                reader, writer = await self._connect(address, port, tls)
        except OutOfScope:
            return None
        except (TimeoutError, OSError, ssl.SSLError):
            return None
        try:
            writer.write(request)
            await writer.drain()
            data, error = await wire.read_reply(
                reader, wire.message_complete, idle=self.timeout, deadline=time.monotonic() + self.deadline
            )
        except (ConnectionError, OSError, ssl.SSLError):
            data, error = b"", "reset"
        finally:
            if own:
                await self._close(writer)
        protocol = "https" if tls else "http"
        self._record(address, port, "tcp", protocol, request, data, started, when, error, url=target)
        if error == "deadline":
            host.dribbling.add((address, port))  # a slowloris answer: ask that port nothing more
        return data

    async def http(
        self,
        host: HostReport,
        port: int,
        reader: asyncio.StreamReader | None = None,
        writer: asyncio.StreamWriter | None = None,
        tls: bool = False,
    ) -> None:
        """GET / (and redirects in scope), then the API questions if the port speaks HTTP."""
        reply = await self._http_exchange(host, port, tls, "GET", "/", reader=reader, writer=writer)
        if reply is None or not reply.startswith(b"HTTP/") or (host.address, port) in host.dribbling:
            return
        await self._follow(host, port, tls, reply)
        await self._api_questions(host, port, tls)

    async def https(self, host: HostReport, port: int) -> None:
        """The certificate (its own record), then HTTP over TLS."""
        when, started = now_iso(), time.monotonic()
        try:
            reader, writer = await self._connect(host.address, port, tls=True)
        except OutOfScope:
            return
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            self._record(
                host.address, port, "tcp", "tls", b"", b"", started, when, f"handshake: {type(exc).__name__}"
            )
            return
        der = None
        obj = writer.get_extra_info("ssl_object")
        if obj is not None:
            with contextlib.suppress(ValueError, ssl.SSLError):
                der = obj.getpeercert(binary_form=True)
        self._record(host.address, port, "tcp", "tls", b"", b"", started, when, cert=der)
        await self.http(host, port, reader, writer, tls=True)

    async def _api_questions(self, host: HostReport, port: int, tls: bool) -> None:
        for question in API_QUESTIONS:
            if (host.address, port) in host.dribbling:
                return
            if question.path == ONVIF_PATH:
                host.onvif_asked.add((port, tls))
            await self._http_exchange(host, port, tls, question.method, question.path, question)

    async def _follow(self, host: HostReport, port: int, tls: bool, reply: bytes) -> None:
        """Follow a redirect chain while it stays in scope (at most MAX_REDIRECTS hops)."""
        for _ in range(MAX_REDIRECTS):
            code = wire.status_code(reply)
            end = wire.head_end(reply)
            if code is None or not 300 <= code < 400 or end < 0:
                return
            location = wire.header(reply[:end], b"location")
            if not location:
                return
            target = await self._resolve_location(host.address, port, tls, location.decode("latin-1"))
            if target is None:
                return
            address, port, tls, path = target
            next_reply = await self._http_exchange(host, port, tls, "GET", path, address=address)
            if next_reply is None:
                return
            reply = next_reply

    async def _resolve_location(
        self, address: str, port: int, tls: bool, location: str
    ) -> tuple[str, int, bool, str] | None:
        """Where a Location header points, if it is in scope (else counted and dropped)."""
        location = location.strip()
        if location.startswith("/"):
            return address, port, tls, location
        try:
            parts = urlsplit(location)
            new_port = parts.port
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        new_tls = parts.scheme == "https"
        new_port = new_port or (443 if new_tls else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        candidate = parts.hostname
        try:
            ipaddress.ip_address(candidate)
            addresses = [candidate]
        except ValueError:
            try:
                infos = await asyncio.wait_for(
                    asyncio.get_running_loop().getaddrinfo(candidate, None, type=socket.SOCK_STREAM),
                    self.timeout,
                )
                addresses = [str(info[4][0]) for info in infos]
            except (OSError, TimeoutError, UnicodeError):
                return None
        for found in addresses:
            if self.guard.believes(found):
                return found, new_port, new_tls, path
        with contextlib.suppress(OutOfScope):
            self.guard.check(addresses[0] if addresses else candidate, new_port, "redirect")
        return None

    # ------------------------------------------------------------------ RTSP, SIP

    async def _rtsp(
        self, host: HostReport, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        shown = f"[{host.address}]" if ":" in host.address else host.address
        url = f"rtsp://{shown}:{port}/"
        for cseq, method in ((1, "OPTIONS"), (2, "DESCRIBE")):
            extra = "Accept: application/sdp\r\n" if method == "DESCRIBE" else ""
            request = (
                f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: {USER_AGENT}\r\n{extra}\r\n".encode()
            )
            when, started = now_iso(), time.monotonic()
            try:
                if writer.is_closing() or reader.at_eof():
                    await self._close(writer)
                    reader, writer = await self._connect(host.address, port)
                writer.write(request)
                await writer.drain()
                data, error = await wire.read_reply(
                    reader,
                    wire.message_complete,
                    idle=self.timeout,
                    deadline=time.monotonic() + self.deadline,
                )
            except OutOfScope:
                return
            except (TimeoutError, OSError):
                data, error = b"", "reset"
            self._record(host.address, port, "tcp", "rtsp", request, data, started, when, error, url=url)
            if not data.startswith(b"RTSP/") or error == "deadline":
                return
        await self._close(writer)

    def _sip_options(self, address: str, port: int, transport: str, local: tuple[str, int]) -> bytes:
        tag = os.urandom(4).hex()
        branch = "z9hG4bK" + os.urandom(6).hex()
        call = os.urandom(8).hex()
        via_host = f"[{local[0]}]" if ":" in local[0] else local[0]
        shown = f"[{address}]" if ":" in address else address
        return (
            f"OPTIONS sip:{shown}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport.upper()} {via_host}:{local[1]};branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:custodiet@{via_host}>;tag={tag}\r\n"
            f"To: <sip:{shown}:{port}>\r\n"
            f"Call-ID: {call}@{via_host}\r\n"
            f"CSeq: 1 OPTIONS\r\n"
            f"Contact: <sip:custodiet@{via_host}:{local[1]}>\r\n"
            f"Accept: application/sdp\r\n"
            f"User-Agent: {USER_AGENT}\r\n"
            f"Content-Length: 0\r\n\r\n"
        ).encode()

    async def _sip_tcp(
        self, host: HostReport, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        when, started = now_iso(), time.monotonic()
        local = writer.get_extra_info("sockname") or ("0.0.0.0", 0)
        request = self._sip_options(host.address, port, "tcp", (str(local[0]), int(local[1])))
        try:
            writer.write(request)
            await writer.drain()
            data, error = await wire.read_reply(
                reader, wire.message_complete, idle=self.timeout, deadline=time.monotonic() + self.deadline
            )
        except OSError:
            data, error = b"", "reset"
        self._record(host.address, port, "tcp", "sip", request, data, started, when, error)

    # ------------------------------------------------------------------ UDP

    async def udp_exchange(
        self,
        address: str,
        port: int,
        request: bytes,
        *,
        wait: float | None = None,
        protocol: str,
        record: bool = True,
    ) -> bytes | None:
        """One datagram out, the first datagram back from that address and port."""
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        when, started = now_iso(), time.monotonic()
        try:
            await self.limiter.wait()
            try:
                self.guard.connect_udp(sock, address, port)  # replies from elsewhere never reach us
                self.guard.send(sock, request)
            except OutOfScope:
                return None
            except OSError:
                return None
            end = time.monotonic() + (wait or self.timeout)
            while True:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return None
                try:
                    data = await asyncio.wait_for(loop.sock_recv(sock, wire.MAX_REPLY), remaining)
                except TimeoutError:
                    return None
                except OSError:
                    return None  # ICMP port unreachable: nothing there
                if record:
                    self._record(address, port, "udp", protocol, request, data, started, when)
                return data
        finally:
            sock.close()

    async def udp_port(self, host: HostReport, port: int) -> None:
        if port == 5060:
            local = ("0.0.0.0", 5060)
            await self.udp_exchange(
                host.address, port, self._sip_options(host.address, port, "udp", local), protocol="sip"
            )
        elif port == 1900:
            await self.ssdp(host, port)
        elif port == 3702:
            await self.wsd(host, port)
        elif port == 5353:
            await self.udp_exchange(host.address, port, mdns_query(), protocol="mdns")
        elif port == 161 and self.snmp is not None:
            await self.snmp_get(host, port)

    async def ssdp(self, host: HostReport, port: int) -> None:
        request = ssdp_search(f"{host.address}:{port}")
        reply = await self.udp_exchange(host.address, port, request, protocol="ssdp")
        if reply:
            host.up = True
            await self.follow_ssdp(host, reply)

    async def follow_ssdp(self, host: HostReport, reply: bytes) -> None:
        """Fetch the description a LOCATION names, if it is on this host (in scope) and new."""
        location = wire.header(reply, b"location")
        if not location:
            return
        text = location.decode("latin-1").strip()
        target = await self._resolve_location(host.address, 80, False, text)
        if target is None or text in host.described:
            return
        address, port, tls, path = target
        if address != host.address:
            with contextlib.suppress(OutOfScope):
                self.guard.check(address, port, "SSDP LOCATION of another host")
            return
        host.described.add(text)
        await self._http_exchange(host, port, tls, "GET", path, address=address)

    async def wsd(self, host: HostReport, port: int) -> None:
        reply = await self.udp_exchange(host.address, port, wsd_probe(), protocol="wsd")
        if reply:
            host.up = True
            await self.follow_wsd(host, reply)

    async def follow_wsd(self, host: HostReport, reply: bytes) -> None:
        """Ask ONVIF questions at the XAddrs a ProbeMatch names, if on this host and not asked."""
        for url in xaddrs(reply)[:4]:
            target = await self._resolve_location(host.address, 80, False, url)
            if target is None:
                continue
            address, port, tls, path = target
            if address != host.address:
                with contextlib.suppress(OutOfScope):
                    self.guard.check(address, port, "WS-Discovery XAddrs of another host")
                continue
            if (port, tls) in host.onvif_asked:
                continue
            host.onvif_asked.add((port, tls))
            for question in API_QUESTIONS:
                if question.path == ONVIF_PATH:
                    await self._http_exchange(host, port, tls, "POST", path, question)

    async def snmp_get(self, host: HostReport, port: int) -> None:
        assert self.snmp is not None
        exchange = snmp_request(self.snmp)
        request = exchange.first()
        while request is not None:
            when, started = now_iso(), time.monotonic()
            reply = await self.udp_exchange(host.address, port, request, protocol="snmp", record=False)
            if reply:
                host.up = True
            following = exchange.next(reply)
            if reply:
                self._record(host.address, port, "udp", "snmp", request, reply, started, when,
                             exchange.error, decoded=exchange.last_decoded)  # fmt: skip
            request = following


def ssdp_search(host: str, st: str = "ssdp:all") -> bytes:
    """An M-SEARCH (UPnP Device Architecture 1.1, 1.3.2)."""
    return (
        f'M-SEARCH * HTTP/1.1\r\nHOST: {host}\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: {st}\r\n'
        f"USER-AGENT: {USER_AGENT}\r\n\r\n"
    ).encode()


def wsd_probe() -> bytes:
    """A WS-Discovery Probe for ONVIF devices (WS-Discovery 2005/04; ONVIF Core 7.3)."""
    message_id = "urn:uuid:" + _uuid4()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        "<s:Header>"
        "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"
        f"<a:MessageID>{message_id}</a:MessageID>"
        "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
        "</s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>"
        "</s:Envelope>"
    ).encode()


def _uuid4() -> str:
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def mdns_query(name: str = "_services._dns-sd._udp.local") -> bytes:
    """A one-shot mDNS query (RFC 6762 5.1) for a PTR name, unicast response asked (QU bit)."""
    header = os.urandom(2) + b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    qname = b"".join(bytes([len(label)]) + label.encode("ascii") for label in name.split(".")) + b"\x00"
    return header + qname + b"\x00\x0c\x80\x01"


def xaddrs(reply: bytes) -> list[str]:
    """The URLs of the XAddrs element of a ProbeMatch (plain string search, bounded)."""
    data = reply[: wire.MAX_REPLY]
    start = data.find(b"XAddrs>")
    if start < 0:
        return []
    end = data.find(b"<", start)
    if end < 0:
        return []
    text = data[start + 7 : end].decode("latin-1")
    return [u for u in text.split() if u.startswith(("http://", "https://"))]
