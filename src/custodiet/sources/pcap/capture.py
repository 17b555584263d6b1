"""The packet loop: frames in, observations and contacts out.

Per packet the loop decodes only headers (link layer, IPv4/IPv6, TCP/UDP) with index arithmetic
on the capture buffer, counts the packet into its connection, and hands payload to a protocol
extractor only when the connection or the port calls for one; bulk payload is never copied.

Who is the subject. The device a fact is about is the one that sent the identifying text: a
server's banner, headers or certificate are about the server; a DHCP request, a DNS query, a TLS
ClientHello or an HTTP request about the client. Texts sent by a remote (non-local) host to a
local one are not about a device of the network and are counted, not kept. "Local" means
RFC 1918, RFC 4193, link-local, loopback or CGNAT addresses; when both or neither side of a
conversation is local, the initiator is the device.

MAC addresses. A subject gets a MAC, and a "mac" observation, only when its address is local and
the binding is sure: ARP sender fields and DHCP ACKs bind an address to a MAC on the segment; the
source MAC of frames is taken otherwise, but not when that MAC is the source of several local IPv4
addresses (a router's MAC sits on every packet it forwards, and merging all the hosts behind it
would be wrong) or when one address came from several MACs. This needs the whole capture, so observations
are collected (bounded, de-duplicated) and emitted at the end, or in batches when the table
fills. Contacts are aggregated per (device, remote, name, port) in a bounded table as well.
"""

from __future__ import annotations

import socket
import struct
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime

from custodiet.errors import InputError
from custodiet.model import Contact, Observation, Provenance, Subject
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.pcap import banners, dhcp, dns, http, snmp, ssdp, tls, wsd
from custodiet.sources.pcap.ber import BerError
from custodiet.sources.pcap.flows import MAX_PENDING, Conn, Stream, responder_first
from custodiet.sources.pcap.linktypes import DECODERS, ETH_ARP, ETH_IPV4, ETH_IPV6, VLAN_TAGS
from custodiet.sources.pcap.reader import Framer
from custodiet.sources.text import normalise_ip

MAX_CONNECTIONS = 200_000  # live connections; the least recently active are evicted beyond it
MAX_AGGREGATES = 100_000  # contacts being aggregated; the oldest are emitted early beyond it
MAX_OBSERVATIONS = 100_000  # distinct observations held before a batch is emitted
MAX_HOSTS = 65_536  # local addresses whose MAC is tracked
MAX_SOURCES = 262_144  # source-address -> MAC cache (cleared when full)
MAX_DNS_PENDING = 50_000  # DNS queries waiting for their answer
REASSEMBLY_BUDGET = 32 << 20  # bytes held in all stream buffers together

# Early TCP segments that did not fit the reassembly queue (flows.MAX_PENDING segments).
OUT_OF_ORDER_DROPPED = f"TCP segment out of order past the {MAX_PENDING}-segment queue (dropped)"

# Reasons counted in stats.skipped that are not faults of the file: strict mode does not
# turn them into errors.
INFORMATIONAL = frozenset(
    {
        "IP fragment (not reassembled)",
        "connection evicted (table full)",
        "contact emitted early (table full)",
        "text from a remote server (not a local device)",
        "reassembly budget reached",
        "TCP stream cut by snaplen",
        "UDP payload cut by snaplen",
        OUT_OF_ORDER_DROPPED,
    }
)

# The start of the reason counted when a protocol parser fails in a way it should not (a bug).
PARSER_FAILURE = "packet parser failure (a custodiet bug, please report it)"

_TCP = 6
_UDP = 17
_IP4 = struct.Struct("!BBHHHBBH4s4s")
_TCP_HDR = struct.Struct("!HHIIH")
_UDP_HDR = struct.Struct("!HHH")
_IPV6_EXT = frozenset({0, 43, 60, 51})  # hop-by-hop, routing, destination options, AH
_ZERO_MAC = b"\x00" * 6

# UDP ports with an extractor (either side).
_DNS, _MDNS, _DHCP, _SSDP, _WSD, _SNMP, _SIP, _NBNS = range(8)
_UDP_PORTS = {
    53: _DNS, 5353: _MDNS, 67: _DHCP, 68: _DHCP, 1900: _SSDP, 3702: _WSD,
    161: _SNMP, 162: _SNMP, 5060: _SIP, 137: _NBNS,
}  # fmt: skip


def is_local(ip: bytes) -> bool:
    """Private, unique-local, link-local, loopback, CGNAT or benchmarking (198.18.0.0/15, never
    routed on the internet) address."""
    b0 = ip[0]
    if len(ip) == 4:
        b1 = ip[1]
        return (
            b0 == 10
            or b0 == 127
            or (b0 == 192 and b1 == 168)
            or (b0 == 172 and 16 <= b1 < 32)
            or (b0 == 169 and b1 == 254)
            or (b0 == 100 and 64 <= b1 < 128)
            or (b0 == 198 and (b1 & 0xFE) == 18)
        )
    return (b0 & 0xFE) == 0xFC or (b0 == 0xFE and (ip[1] & 0xC0) == 0x80) or ip == b"\x00" * 15 + b"\x01"


def is_unicast(ip: bytes) -> bool:
    """Not multicast, broadcast or unspecified: an address a device can own."""
    if len(ip) == 4:
        return 0 < ip[0] < 224 and ip != b"\x00\x00\x00\x00"
    return ip[0] != 0xFF and ip != b"\x00" * 16


_IP_TEXT: dict[bytes, str] = {}
_SECONDS: dict[int, str] = {}


def ip_text(ip: bytes) -> str:
    """An address as normalised text (cached: the same addresses come back all the time)."""
    text = _IP_TEXT.get(ip)
    if text is None:
        raw = socket.inet_ntop(socket.AF_INET if len(ip) == 4 else socket.AF_INET6, ip)
        text = normalise_ip(raw) or raw
        if len(_IP_TEXT) >= 65536:
            _IP_TEXT.clear()
        _IP_TEXT[ip] = text
    return text


def mac_text(mac: bytes) -> str:
    return mac.hex(":").upper()


def iso(ts: float) -> str:
    """ISO 8601 UTC with microseconds ("2024-05-01T12:00:00.000001Z")."""
    second = int(ts // 1)
    prefix = _SECONDS.get(second)
    if prefix is None:
        if len(_SECONDS) >= 4096:
            _SECONDS.clear()
        try:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        except (OverflowError, OSError, ValueError):
            prefix = "1970-01-01T00:00:00."
        _SECONDS[second] = prefix
    micro = min(int((ts - second) * 1e6 + 0.5), 999_999)
    return f"{prefix}{micro:06d}Z"


_PORTS: dict[tuple[int, int], str] = {}


def port_text(port: int, proto: int) -> str:
    """ "80/tcp" (cached: a handful of ports make most of the traffic)."""
    text = _PORTS.get((port, proto))
    if text is None:
        text = f"{port}/{'tcp' if proto == _TCP else 'udp'}"
        if len(_PORTS) < 65536:
            _PORTS[(port, proto)] = text
    return text


# A stream that is not read (nothing worth reading in it, or no budget left for it): shared, so
# that a million such connections cost no stream objects.
_IGNORED = Stream(0, 0)
_IGNORED.done = True


class StrictStop(Exception):
    """Strict mode met a problem: stop reading, emit what was collected, then raise."""

    def __init__(self, reason: str, frame: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.frame = frame


class Capture:
    """The state of reading one capture file."""

    def __init__(self, label: str, stats: ReadStats, options: SourceOptions) -> None:
        self.label = label
        self.stats = stats
        self.strict = options.strict
        self.frame = 0
        # OrderedDicts where the oldest entry leaves first: a plain dict emptied from its front
        # slows down (its iterator walks every deleted slot), an OrderedDict pops in O(1).
        self.conns: OrderedDict[tuple[bytes, bytes, int, int, int], Conn] = OrderedDict()
        self.aggregates: OrderedDict[tuple, list] = OrderedDict()
        self.observations: dict[tuple, int] = {}  # (ip, mac, field, port, text) -> frame
        self.sources: dict[bytes, bytes] = {}  # source IP -> last source MAC seen
        self.hosts: dict[bytes, list] = {}  # local IP -> [mac, frame, conflicting]
        self.mac_hosts: dict[bytes, set[bytes]] = {}  # MAC -> local IPv4 addresses (capped)
        self.leases: dict[bytes, bytes] = {}  # MAC -> address from a DHCP ACK
        self.dns_pending: OrderedDict[tuple, tuple[str, int, float]] = OrderedDict()
        self.emitted_macs: set[tuple[bytes, bytes]] = set()
        self.buffered = 0
        self.interned: dict[bytes, bytes] = {}
        self.out: list[Observation | Contact] = []
        self.places: dict[int, Provenance] = {}

    # ------------------------------------------------------------------------- bookkeeping

    def skip(self, reason: str) -> None:
        self.stats.skipped[reason] += 1
        if self.strict and reason not in INFORMATIONAL:
            raise StrictStop(reason, self.frame)

    def place(self, frame: int) -> Provenance:
        found = self.places.get(frame)
        if found is None:
            if len(self.places) > 65536:
                self.places.clear()
            found = self.places[frame] = Provenance(self.label, f"packet {frame}")
        return found

    def observe(self, ip: bytes | None, mac: bytes | None, field: str, text: str, port: str | None) -> None:
        key = (ip, mac, field, port, text)
        if key in self.observations:
            return
        if len(self.observations) >= MAX_OBSERVATIONS:
            self.flush_observations()
        self.observations[key] = self.frame

    def about(self, device: bytes, peer: bytes) -> bool:
        """Whether a fact about device, learnt from its traffic with peer, may describe a device
        of the network (not a remote server that a local host talked to)."""
        if is_local(device) or not is_local(peer):
            return True
        self.skip("text from a remote server (not a local device)")
        return False

    def contact(
        self, kind: str, local: bytes, remote: bytes | None, name: str | None, port: str | None, ts: float
    ) -> None:
        key = (kind, local, remote, name, port)
        agg = self.aggregates.get(key)
        if agg is None:
            if len(self.aggregates) >= MAX_AGGREGATES:
                self.evict_aggregate()
            self.aggregates[key] = [ts, ts, 1, 0, 0, self.frame]
            # (the pipeline turns every named contact into a contact.name observation, for all sources)
        else:
            agg[1] = max(agg[1], ts)
            agg[0] = min(agg[0], ts)
            agg[2] += 1

    def evict_aggregate(self) -> None:
        key, agg = self.aggregates.popitem(last=False)
        self.out.append(self.make_contact(key, agg))
        self.skip("contact emitted early (table full)")

    # ------------------------------------------------------------------------- MACs

    def learn(self, ip: bytes, mac: bytes, frame: int, sure: bool = False) -> None:
        """Note that ip was seen with mac: as the source of a frame, or (sure) in an ARP packet's
        sender fields or a DHCP ACK, which bind the two on the segment whatever routes frames."""
        if not sure:
            sources = self.sources
            if len(sources) >= MAX_SOURCES:
                sources.clear()
            sources[ip] = mac
        if mac == _ZERO_MAC or mac[0] & 1 or not is_local(ip) or not is_unicast(ip):
            return
        host = self.hosts.get(ip)
        if host is None:
            if len(self.hosts) >= MAX_HOSTS:
                return
            self.hosts[ip] = [mac, frame, False, sure]
        elif host[0] == mac:
            host[3] = host[3] or sure
            return
        elif not sure:
            if not host[3]:
                host[2] = True  # two source MACs and no ARP to decide: attach neither
            return
        elif host[3]:
            host[2] = True  # two ARP claims for one address
            return
        else:
            self._forget(ip, host[0])
            self.hosts[ip] = [mac, frame, False, True]
        if len(ip) == 4:
            known = self.mac_hosts.get(mac)
            if known is None:
                self.mac_hosts[mac] = {ip}
            elif len(known) < 4:
                known.add(ip)

    def _forget(self, ip: bytes, mac: bytes) -> None:
        known = self.mac_hosts.get(mac)
        if known is not None:
            known.discard(ip)

    def mac_for(self, ip: bytes) -> bytes | None:
        host = self.hosts.get(ip)
        if host is None or host[2]:
            return None
        if not host[3] and len(self.mac_hosts.get(host[0], ())) > 1:
            return None  # the source of frames from several IPv4 hosts: a router or a proxy
        return host[0]

    def address_for(self, mac: bytes) -> bytes | None:
        leased = self.leases.get(mac)
        if leased is not None:
            return leased
        known = self.mac_hosts.get(mac)
        return next(iter(known)) if known is not None and len(known) == 1 else None

    # ------------------------------------------------------------------------- emitting

    def subject(self, ip: bytes | None, mac: bytes | None) -> Subject:
        if ip is None and mac is not None:
            ip = self.address_for(mac)
        elif mac is None and ip is not None:
            mac = self.mac_for(ip)
        return Subject(address=ip_text(ip) if ip else None, mac=mac_text(mac) if mac else None)

    def flush_observations(self) -> None:
        out = self.out
        for (ip, mac, field, port, text), frame in self.observations.items():
            out.append(Observation(self.subject(ip, mac), field, text, self.place(frame), port))
        self.observations.clear()
        for ip, (mac, frame, _conflict, _sure) in self.hosts.items():
            if self.mac_for(ip) is not None and (ip, mac) not in self.emitted_macs:
                self.emitted_macs.add((ip, mac))
                text = mac_text(mac)
                out.append(Observation(Subject(ip_text(ip), text), "mac", text, self.place(frame)))

    def make_contact(self, key: tuple, agg: list) -> Contact:
        kind, local, remote, name, port = key
        first, last, count, bytes_out, bytes_in, frame = agg
        return Contact(
            subject=self.subject(local, None),
            kind=kind,
            provenance=self.place(frame),
            remote=ip_text(remote) if remote else None,
            name=name,
            port=port,
            first_seen=iso(first),
            last_seen=iso(last),
            count=count,
            bytes_out=bytes_out,
            bytes_in=bytes_in,
        )

    def finish(self) -> None:
        """End of capture: every connection and query is done; emit everything."""
        for conn in list(self.conns.values()):
            self.close(conn)
        self.conns.clear()
        for key, (qname, frame, ts) in list(self.dns_pending.items()):
            self.frame = frame
            self.contact("dns", key[0], None, qname, None, ts)
        self.dns_pending.clear()
        for key, agg in self.aggregates.items():
            self.out.append(self.make_contact(key, agg))
        self.aggregates.clear()
        self.flush_observations()

    # ------------------------------------------------------------------------- connections

    def new_conn(
        self, src: bytes, dst: bytes, sport: int, dport: int, proto: int, ts: float, tcp_flags: int
    ) -> Conn:
        if proto == _TCP:
            syn = tcp_flags & 0x02
            ack = tcp_flags & 0x10
            swap = (syn and ack) or (not syn and responder_first(sport, dport))
        else:
            swap = responder_first(sport, dport)
        conn = (
            Conn(dst, src, dport, sport, proto, ts, self.frame)
            if swap
            else Conn(src, dst, sport, dport, proto, ts, self.frame)
        )
        conns = self.conns
        if len(conns) >= MAX_CONNECTIONS:
            self.evict_conn()
        conns[conn.key] = conn
        return conn

    def evict_conn(self) -> None:
        """Second chance: the first connection not touched since the last pass goes."""
        conns = self.conns
        while True:
            key, conn = conns.popitem(last=False)
            if conn.touched:
                conn.touched = False
                conns[key] = conn
                continue
            self.close(conn)
            self.skip("connection evicted (table full)")
            return

    def close(self, conn: Conn) -> None:
        """A connection ends (or leaves the table): read what its streams hold, count the flow."""
        for stream, sender_is_a in ((conn.sa, True), (conn.sb, False)):
            if stream is not None and not stream.done:
                self.finalize(conn, stream, sender_is_a)
        a_local = is_local(conn.a_ip)
        b_local = is_local(conn.b_ip)
        if b_local and not a_local:
            local, remote, bytes_out, bytes_in = conn.b_ip, conn.a_ip, conn.bb, conn.ba
        else:
            local, remote, bytes_out, bytes_in = conn.a_ip, conn.b_ip, conn.ba, conn.bb
        if not (is_unicast(local) and is_unicast(remote)):
            return
        key = ("flow", local, remote, None, port_text(conn.b_port, conn.proto))
        agg = self.aggregates.get(key)
        packets = conn.pa + conn.pb
        if agg is None:
            if len(self.aggregates) >= MAX_AGGREGATES:
                self.evict_aggregate()
            self.aggregates[key] = [conn.first, conn.last, packets, bytes_out, bytes_in, conn.frame]
        else:
            agg[0] = min(agg[0], conn.first)
            agg[1] = max(agg[1], conn.last)
            agg[2] += packets
            agg[3] += bytes_out
            agg[4] += bytes_in

    # ------------------------------------------------------------------------- TCP streams

    def tcp(
        self, conn: Conn, fwd: bool, flags: int, seq: int, buf: bytes, start: int, end: int, cut: bool
    ) -> None:
        """One segment of a connection still being read; its payload is buf[start:end]."""
        if flags & 0x02:  # SYN: the stream starts after it
            if fwd:
                conn.isn_a = (seq + 1) & 0xFFFFFFFF
            else:
                conn.isn_b = (seq + 1) & 0xFFFFFFFF
        if end > start:
            stream = conn.sa if fwd else conn.sb
            if stream is None:
                if self.buffered >= REASSEMBLY_BUDGET:
                    self.skip("reassembly budget reached")
                    stream = _IGNORED
                else:
                    isn = conn.isn_a if fwd else conn.isn_b
                    stream = Stream(isn if isn is not None else seq, self.frame)
                if fwd:
                    conn.sa = stream
                else:
                    conn.sb = stream
            other = conn.sb if fwd else conn.sa
            if other is not None and not other.done and other.data:
                other.turned = True
                if other.kind in ("telnet", "ftp"):
                    self.finalize(conn, other, not fwd)
            if not stream.done:
                before = len(stream.data)
                if stream.add(seq, buf[start:end]):
                    if not before:
                        stream.frame = self.frame  # the packet that carried the first byte
                    self.buffered += len(stream.data) - before
                    self.progress(conn, stream, fwd, cut)
                else:
                    if stream.dropped:
                        self.stats.skipped[OUT_OF_ORDER_DROPPED] += stream.dropped
                        stream.dropped = 0
                    if cut:
                        self.progress(conn, stream, fwd, cut)
        if flags & 0x05:  # FIN or RST: no more bytes this way (RST: either way)
            for stream, is_a in ((conn.sa, True), (conn.sb, False)):
                if stream is not None and not stream.done and (flags & 0x04 or is_a == fwd):
                    self.finalize(conn, stream, is_a)
        if (conn.sa is None or conn.sa.done) and (conn.sb is None or conn.sb.done) and conn.sa and conn.sb:
            conn.inspect = False

    def progress(self, conn: Conn, stream: Stream, sender_is_a: bool, cut: bool) -> None:
        """New in-order bytes: classify the stream, and read it once it holds enough."""
        data = stream.data
        if stream.kind is None:
            if len(data) < 8 and not cut:
                return
            stream.kind = classify(data, conn.a_port if sender_is_a else conn.b_port)
            if stream.kind is None:
                self.buffered -= stream.release()
                self.ignore(conn, stream)
                return
        if cut:
            stream.cut = True
            self.skip("TCP stream cut by snaplen")
            self.finalize(conn, stream, sender_is_a)
        elif stream.full or ready(stream.kind, bytes(data)):
            self.finalize(conn, stream, sender_is_a)

    @staticmethod
    def ignore(conn: Conn, stream: Stream) -> None:
        """Replace a finished stream by the shared ignored one (fewer objects per connection)."""
        if conn.sa is stream:
            conn.sa = _IGNORED
        elif conn.sb is stream:
            conn.sb = _IGNORED

    def finalize(self, conn: Conn, stream: Stream, sender_is_a: bool) -> None:
        """Read what a stream holds, once, and release it."""
        kind = stream.kind
        data = bytes(stream.data)
        frame = stream.frame
        self.buffered -= stream.release()
        self.ignore(conn, stream)
        if kind is None:
            if len(data) < 8:
                kind = classify(data, conn.a_port if sender_is_a else conn.b_port)
            if kind is None:
                return
        if sender_is_a:
            sender, receiver, sport, rport = conn.a_ip, conn.b_ip, conn.a_port, conn.b_port
        else:
            sender, receiver, sport, rport = conn.b_ip, conn.a_ip, conn.b_port, conn.a_port
        saved = self.frame
        self.frame = frame
        try:
            self.read_stream(kind, data, sender, receiver, sport, rport, conn.first)
        except (StrictStop, MemoryError):
            raise
        except Exception as exc:  # finalize also runs outside the packet loop (eviction, the end)
            self.parser_failed(conn, _TCP, exc)
        finally:
            self.frame = saved

    def read_stream(
        self, kind: str, data: bytes, sender: bytes, receiver: bytes, sport: int, rport: int, ts: float
    ) -> None:
        if kind == "http-req":
            host = http.request_host(data)
            if host and normalise_ip(host) is None and self.about(sender, receiver):
                self.contact("http", sender, receiver, host, f"{rport}/tcp", ts)
            return
        if kind == "tls-c":
            try:
                _complete, name = tls.client_sni(data)
            except tls.TlsError:
                self.skip("malformed TLS ClientHello")
                return
            if name and self.about(sender, receiver):
                self.contact("tls", sender, receiver, name, f"{rport}/tcp", ts)
            return
        facts: list[tuple[str, str]]
        if kind == "http-resp":
            facts = http.response(data)
        elif kind == "tls-s":
            try:
                _done, facts = tls.server_certificate(data, final=True)
            except (tls.TlsError, BerError):
                self.skip("malformed TLS certificate")
                return
        elif kind == "rtsp":
            facts = http.rtsp_response(data)
        elif kind == "sip":
            facts = http.sip_message(data)
        else:
            fact = banners.text(kind, data)
            facts = [fact] if fact else []
        if facts and self.about(sender, receiver):
            port = None if kind == "sip" and sport not in (5060, 5061) else port_text(sport, _TCP)
            for field, text in facts:
                self.observe(sender, None, field, text, port)

    # ------------------------------------------------------------------------- UDP payloads

    def udp(
        self, which: int, src: bytes, dst: bytes, sport: int, dport: int, payload: bytes, ts: float
    ) -> None:
        if which == _DNS:
            self.dns(src, dst, sport, dport, payload, ts)
        elif which == _MDNS:
            if sport != 5353 and dport != 5353:
                return
            try:
                msg = dns.parse(payload, mdns=True)
            except dns.DnsError:
                self.skip("malformed mDNS")
                return
            if msg.response:
                for name in msg.names:
                    self.observe(src, None, "hostname", name, None)
        elif which == _DHCP:
            self.dhcp(src, payload)
        elif which == _NBNS:
            netbios = dns.netbios_name(payload)
            if netbios and is_unicast(src):
                self.observe(src, None, "hostname", netbios, None)
        else:
            self.udp_text(which, src, dst, sport, payload)

    def udp_text(self, which: int, src: bytes, dst: bytes, sport: int, payload: bytes) -> None:
        facts: list[tuple[str, str]] = []
        try:
            if which == _SSDP:
                facts = ssdp.extract(payload)
            elif which == _WSD:
                facts = wsd.extract(payload)
            elif which == _SNMP:
                facts = snmp.extract(payload)
            elif which == _SIP and http.is_sip(payload):
                facts = http.sip_message(payload)
        except wsd.WsdEncodingError:
            self.skip("WS-Discovery XML in an unreadable encoding")
        except wsd.WsdError:
            self.skip("malformed WS-Discovery XML")
        except BerError:
            self.skip("malformed SNMP")
        if facts and is_unicast(src) and self.about(src, dst):
            # A SIP request from an ephemeral port: the port says nothing about the device.
            port = f"{sport}/udp" if which != _SIP or sport in (5060, 5061) else None
            for field, text in facts:
                self.observe(src, None, field, text, port)

    def dns(self, src: bytes, dst: bytes, sport: int, dport: int, payload: bytes, ts: float) -> None:
        try:
            msg = dns.parse(payload)
        except dns.DnsError:
            self.skip("malformed DNS")
            return
        if not msg.response:
            if dport == 53 and msg.qname:
                pending = self.dns_pending
                if len(pending) >= MAX_DNS_PENDING:
                    old, (old_name, frame, when) = pending.popitem(last=False)
                    saved, self.frame = self.frame, frame
                    self.contact("dns", old[0], None, old_name, None, when)
                    self.frame = saved
                pending[(src, dst, sport, msg.ident)] = (msg.qname, self.frame, ts)
            return
        if sport != 53:
            return
        asked = self.dns_pending.pop((dst, src, dport, msg.ident), None)
        qname = msg.qname or (asked[0] if asked else None)
        if not qname or not is_unicast(dst) or not self.about(dst, src):
            return
        if msg.addresses:
            for address in msg.addresses:
                self.contact("dns", dst, address, qname, None, ts)
        else:
            self.contact("dns", dst, None, qname, None, ts)

    def dhcp(self, src: bytes, payload: bytes) -> None:
        try:
            msg = dhcp.parse(payload)
        except dhcp.DhcpError:
            self.skip("malformed DHCP")
            return
        if msg.mac is None:
            return
        if msg.request:
            ip = msg.client_ip if msg.client_ip and is_unicast(msg.client_ip) else None
            for field, text in msg.facts:
                self.observe(ip, msg.mac if ip is None else None, field, text, None)
        elif msg.leased is not None and is_unicast(msg.leased):
            if len(self.leases) < MAX_HOSTS:
                self.leases[msg.mac] = msg.leased
            self.learn(msg.leased, msg.mac, self.frame, sure=True)

    def parser_failed(self, conn: Conn, proto: int, exc: Exception) -> None:
        """A protocol parser raised what it should have turned into its own error: a bug, met on
        one packet. The packet's connection is no longer read (its stream state may be half
        updated); the reason names the exception type so that the fuzz tests, which require
        that no such reason ever appears, and a user's bug report can point at it."""
        if proto == _TCP:
            conn.inspect = False
            for stream in (conn.sa, conn.sb):
                if stream is not None and stream is not _IGNORED and not stream.done:
                    self.buffered -= stream.release()
            conn.sa = conn.sb = _IGNORED
        self.skip(f"{PARSER_FAILURE} ({'TCP' if proto == _TCP else 'UDP'}, {type(exc).__name__})")

    # ------------------------------------------------------------------------- the loop

    def run(self, framer: Framer) -> Iterator[Observation | Contact]:
        """Observations and contacts of every frame (see the module docstring)."""
        conns = self.conns
        sources = self.sources
        stats = self.stats
        out = self.out
        unpack_ip4 = _IP4.unpack_from
        unpack_tcp = _TCP_HDR.unpack_from
        unpack_udp = _UDP_HDR.unpack_from
        udp_ports = _UDP_PORTS
        decoders = DECODERS
        frame = 0
        for linktype, ts, buf, off, end, wirelen in framer:
            frame += 1
            self.frame = frame
            # ---- link layer
            if linktype == 1:
                if end - off < 14:
                    self.skip("frame shorter than its link header")
                    continue
                etype = (buf[off + 12] << 8) | buf[off + 13]
                smac: bytes | None = buf[off + 6 : off + 12]
                l3 = off + 14
                while etype in VLAN_TAGS:
                    if l3 + 4 > end:
                        break
                    etype = (buf[l3 + 2] << 8) | buf[l3 + 3]
                    l3 += 4
            else:
                decoder = decoders.get(linktype)
                if decoder is None:
                    self.skip(f"unsupported link type {linktype}")
                    continue
                decoded = decoder(buf, off, end)
                if decoded is None:
                    self.skip("frame shorter than its link header")
                    continue
                smac, etype, l3 = decoded
            # ---- network layer
            if etype == ETH_IPV4:
                if l3 + 20 > end:
                    self.skip("truncated IP header")
                    continue
                vihl, _tos, total, _ident, fragment, _ttl, proto, _sum, src, dst = unpack_ip4(buf, l3)
                ihl = (vihl & 0x0F) << 2
                if vihl >> 4 != 4 or ihl < 20 or (total and total < ihl):
                    self.skip("malformed IP header")
                    continue
                l4 = l3 + ihl
                ipend = l3 + total if total else end  # 0: segmentation offload, as Wireshark reads it
                if fragment & 0x1FFF:
                    self.skip("IP fragment (not reassembled)")
                    continue
            elif etype == ETH_IPV6:
                if l3 + 40 > end:
                    self.skip("truncated IP header")
                    continue
                if buf[l3] >> 4 != 6:
                    self.skip("malformed IP header")
                    continue
                proto = buf[l3 + 6]
                ipend = l3 + 40 + ((buf[l3 + 4] << 8) | buf[l3 + 5])
                src = buf[l3 + 8 : l3 + 24]
                dst = buf[l3 + 24 : l3 + 40]
                l4 = l3 + 40
                fragmented = False
                while proto in _IPV6_EXT or proto == 44:
                    if l4 + 8 > end:
                        break
                    if proto == 44:
                        if ((buf[l4 + 2] << 8) | buf[l4 + 3]) & 0xFFF8:
                            fragmented = True
                            break
                        nxt, size = buf[l4], 8
                    elif proto == 51:
                        nxt, size = buf[l4], (buf[l4 + 1] + 2) * 4
                    else:
                        nxt, size = buf[l4], (buf[l4 + 1] + 1) * 8
                    proto = nxt
                    l4 += size
                if fragmented:
                    self.skip("IP fragment (not reassembled)")
                    continue
            elif etype == ETH_ARP:
                if smac is not None and l3 + 28 <= end and buf[l3 + 4] == 6 and buf[l3 + 5] == 4:
                    spa = buf[l3 + 14 : l3 + 18]
                    if spa != b"\x00\x00\x00\x00":
                        self.learn(spa, buf[l3 + 8 : l3 + 14], frame, sure=True)
                continue
            else:
                continue
            if smac is not None and sources.get(src) != smac:
                self.learn(src, smac, frame)
            cut = ipend > end
            if cut:
                ipend = end
            # ---- transport layer
            if proto == _TCP:
                if l4 + 20 > ipend:
                    self.skip("truncated TCP header")
                    continue
                sport, dport, seq, _ack, offflags = unpack_tcp(buf, l4)
                pstart = l4 + ((offflags >> 12) << 2)
                if pstart > ipend:
                    self.skip("malformed TCP header")
                    continue
                flags = offflags & 0x1FF
            elif proto == _UDP:
                if l4 + 8 > ipend:
                    self.skip("truncated UDP header")
                    continue
                sport, dport, ulen = unpack_udp(buf, l4)
                pstart = l4 + 8
                if ulen >= 8 and l4 + ulen < ipend:
                    ipend = l4 + ulen
                flags = 0
            else:
                continue
            # ---- connection
            key = (src, dst, sport, dport, proto)
            conn = conns.get(key)
            if conn is None:
                conn = conns.get((dst, src, dport, sport, proto))
                if conn is None:
                    conn = self.new_conn(src, dst, sport, dport, proto, ts, flags)
            fwd = conn.a_port == sport and conn.a_ip == src
            conn.touched = True
            if ts > conn.last:
                conn.last = ts
            if fwd:
                conn.pa += 1
                conn.ba += wirelen
            else:
                conn.pb += 1
                conn.bb += wirelen
            # ---- payload (a parser's own errors are counted inside; anything else is a bug
            # that one hostile packet must not turn into the loss of the whole capture)
            try:
                if proto == _TCP:
                    if conn.inspect:
                        self.tcp(conn, fwd, flags, seq, buf, pstart, ipend, cut)
                else:
                    which = udp_ports.get(dport)
                    if which is None:
                        which = udp_ports.get(sport)
                    if which is not None and ipend > pstart:
                        if cut:
                            self.skip("UDP payload cut by snaplen")
                        else:
                            self.udp(which, src, dst, sport, dport, buf[pstart:ipend], ts)
            except (StrictStop, MemoryError):
                raise
            except Exception as exc:
                self.parser_failed(conn, proto, exc)
            if out:
                yield from _counted(out, stats)
        stats.records = frame


def classify(data: bytes | bytearray, port: int) -> str | None:
    """What a stream carries, from its first bytes (and, for banners, its sender's port)."""
    if tls.looks_like_handshake(data):
        if len(data) > 5 and data[5] == 1:
            return "tls-c"
        if len(data) > 5 and data[5] == 2:
            return "tls-s"
        return None
    if data.startswith(b"HTTP/1."):
        return "http-resp"
    if http.is_request(data):
        return "http-req"
    if data.startswith(b"RTSP/1."):
        return "rtsp"
    if http.is_sip(data):
        return "sip"
    return banners.kind(data, port)


def ready(kind: str, data: bytes) -> bool:
    """Whether a stream of this kind holds enough to be read."""
    if kind in ("http-req", "rtsp", "sip"):
        return http.head_end(data) >= 0
    if kind == "http-resp":
        return not http.response_wants_more(data)
    if kind == "tls-c":
        try:
            return tls.client_sni(data)[0]
        except tls.TlsError:
            return True
    if kind == "tls-s":
        try:
            return tls.server_certificate(data, final=False)[0]
        except (tls.TlsError, BerError):
            return True
    return banners.complete(kind, data)


def read_capture(
    handle, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[Observation | Contact]:
    """Observations and contacts of an open capture file."""
    framer = Framer(handle, label)
    capture = Capture(label, stats, options)
    try:
        yield from capture.run(framer)
    except StrictStop as stop:
        stats.records = capture.frame
        capture.strict = False  # finishing may meet more problems: count them, emit, then raise
        capture.finish()
        yield from _counted(capture.out, stats)
        raise InputError(stop.reason, file=label, place=f"packet {stop.frame}") from None
    for reason, count in framer.problems.items():
        stats.skipped[reason] += count
    capture.strict = False
    capture.finish()
    yield from _counted(capture.out, stats)
    if framer.problem is not None:
        stats.skipped[framer.problem] += 1
        if options.strict:
            raise InputError(framer.problem, file=label, place=f"packet {framer.frames + 1}")
        if framer.frames == 0 and framer.problem != "truncated capture":
            # Corrupt from its first record: counting it would lose the whole file silently.
            detail = f" ({framer.detail})" if framer.detail else ""
            raise InputError(
                f"{framer.problem}{detail}: no packet could be read",
                file=label,
                place=f"byte {framer.problem_at:,}",
            )
    if options.strict and framer.problems:
        reason = next(iter(framer.problems))
        raise InputError(f"{reason} ({sum(framer.problems.values())} packets)", file=label)


def _counted(items: list[Observation | Contact], stats: ReadStats) -> Iterator[Observation | Contact]:
    for item in items:
        if isinstance(item, Contact):
            stats.contacts += 1
        else:
            stats.observations += 1
        yield item
    items.clear()
