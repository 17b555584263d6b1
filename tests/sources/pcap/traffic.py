"""Real traffic for the pcap tests: emulated devices (tests/emulators) and a few tiny servers of
our own, driven by plain clients, all on one loopback /24 (or inside a namespace pair)."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field

from tests.emulators import client

PROFILES = ["hikvision-ipc", "dahua-xvr", "huawei-switch", "zte-ont", "linux-server"]

DNS_NAMES = {"cloud.vendor.example": ["192.0.2.10", "192.0.2.11"], "v6.vendor.example": ["2001:db8::7"]}
SNI = "p2p.camera-cloud.example"
DHCP_MAC = bytes.fromhex("44a6425b1099")
DHCP_HOSTNAME = b"HIKVISION-CAM"
DHCP_VENDOR = b"udhcp 1.30.1"
DHCP_PARAMS = bytes([1, 3, 6, 12, 15, 28, 42])


def dns_answer(query: bytes) -> bytes | None:
    """A tiny authoritative answer: A/AAAA records from DNS_NAMES, NXDOMAIN otherwise."""
    ident, _flags, qdcount = struct.unpack_from(">HHH", query)
    if qdcount != 1:
        return None
    pos, labels = 12, []
    while query[pos]:
        labels.append(query[pos + 1 : pos + 1 + query[pos]].decode())
        pos += 1 + query[pos]
    qtype = struct.unpack_from(">H", query, pos + 1)[0]
    question = query[12 : pos + 5]
    name = ".".join(labels).lower()
    answers = []
    for address in DNS_NAMES.get(name, []):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        rtype = 28 if family == socket.AF_INET6 else 1
        if rtype == qtype:
            rdata = socket.inet_pton(family, address)
            answers.append(b"\xc0\x0c" + struct.pack(">HHIH", rtype, 1, 60, len(rdata)) + rdata)
    rcode = 0 if name in DNS_NAMES else 3
    header = struct.pack(">HHHHHH", ident, 0x8180 | rcode, 1, len(answers), 0, 0)
    return header + question + b"".join(answers)


def dns_query(name: str, qtype: int, ident: int) -> bytes:
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", qtype, 1)


def dhcp_request(msgtype: int, xid: int) -> bytes:
    """A client's DISCOVER (1) or REQUEST (3), BOOTP layout of RFC 2131 with options."""
    fixed = struct.pack(">BBBBIHHIIII", 1, 1, 6, 0, xid, 0, 0x8000, 0, 0, 0, 0)
    fixed += DHCP_MAC + b"\x00" * 10 + b"\x00" * 192 + b"\x63\x82\x53\x63"
    options = bytes([53, 1, msgtype])
    options += bytes([12, len(DHCP_HOSTNAME)]) + DHCP_HOSTNAME
    options += bytes([60, len(DHCP_VENDOR)]) + DHCP_VENDOR
    options += bytes([55, len(DHCP_PARAMS)]) + DHCP_PARAMS + b"\xff"
    return fixed + options


class UdpServer:
    """One UDP responder thread."""

    def __init__(self, address: str, port: int, answer) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, port))
        self.sock.settimeout(0.2)
        self.answer = answer
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            reply = self.answer(data)
            if reply:
                self.sock.sendto(reply, peer)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@dataclass
class Seen:
    """What the clients saw, to compare with what the capture reader finds."""

    http_server: dict[str, bytes] = field(default_factory=dict)  # device name -> Server header
    banners: dict[str, bytes] = field(default_factory=dict)
    sysdescr: dict[str, bytes] = field(default_factory=dict)
    ssdp: bytes = b""
    wsd: bytes = b""
    rtsp: bytes = b""
    tls_version: str = ""


def _header(raw: bytes, name: bytes) -> bytes:
    for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(name.lower() + b":"):
            return line.split(b":", 1)[1].strip()
    return b""


def drive(net, dns_server: str, tls_host: str, tls_port: int, client_ip: str | None = None) -> Seen:
    """Talk to every device once the way a scanner or a user would."""
    seen = Seen()
    hik = net.device("hikvision-ipc")
    dahua = net.device("dahua-xvr")
    huawei = net.device("huawei-switch")
    zte = net.device("zte-ont")
    linux = net.device("linux-server")
    for dev in (hik, dahua, zte, linux):
        raw = client.tcp_exchange(
            dev.address, dev.port("http"), b"GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % dev.address.encode()
        )
        seen.http_server[dev.name] = _header(raw, b"server")
    seen.rtsp = client.tcp_exchange(
        hik.address,
        hik.port("rtsp"),
        b"OPTIONS rtsp://%s/ RTSP/1.0\r\nCSeq: 1\r\n\r\n" % hik.address.encode(),
    )
    for dev, service in ((huawei, "ssh"), (linux, "ssh"), (linux, "ftp"), (zte, "telnet")):
        seen.banners[f"{dev.name}/{service}"] = client.read_banner(
            dev.address, dev.port(service), 4096, timeout=1.0
        )
    for dev in (huawei, dahua):
        reply = client.snmp_get(dev.address, dev.port("snmp"), ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"])
        assert reply is not None
        seen.sysdescr[dev.name] = reply.varbinds[0][1].value if reply.varbinds else b""
    seen.ssdp = client.udp_exchange(
        hik.address, hik.port("ssdp"),
        b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n',
    ) or b""  # fmt: skip
    probe = (
        b'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"'
        b' xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        b"<e:Header><w:MessageID>uuid:1</w:MessageID><w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
        b"<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        b"<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>"
    )
    seen.wsd = client.udp_exchange(hik.address, hik.port("wsd"), probe) or b""
    sip = client.udp_exchange(
        linux.address, linux.port("sip"),
        b"OPTIONS sip:probe@%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
        b"From: <sip:a@b>;tag=1\r\nTo: <sip:probe@x>\r\nCall-ID: 1@x\r\nCSeq: 1 OPTIONS\r\n"
        b"User-Agent: custodiet-test/1.0\r\nContent-Length: 0\r\n\r\n" % linux.address.encode(),
    )  # fmt: skip
    assert sip
    # DNS: two answered names (A, AAAA) and one NXDOMAIN, from one client socket.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        if client_ip:
            sock.bind((client_ip, 0))
        sock.settimeout(2)
        for ident, (name, qtype) in enumerate(
            [("cloud.vendor.example", 1), ("v6.vendor.example", 28), ("missing.vendor.example", 1)], start=7
        ):
            sock.sendto(dns_query(name, qtype, ident), (dns_server, 53))
            sock.recvfrom(4096)
    # DHCP: a DISCOVER and a REQUEST from port 68 (no server answers).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((client_ip or "127.0.0.1", 68))
        sock.sendto(dhcp_request(1, 0x1234), (dns_server, 67))
        sock.sendto(dhcp_request(3, 0x1234), (dns_server, 67))
    # TLS 1.2 to a server whose certificate names a vendor, with SNI.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection((tls_host, tls_port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname=SNI) as s,
    ):
        seen.tls_version = s.version() or ""
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)
    time.sleep(0.2)
    return seen
