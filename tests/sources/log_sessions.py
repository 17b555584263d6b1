"""Real sessions on loopback for the traffic-log tests, and what each of them was.

`run_sessions` drives a small HTTP, TLS, DNS, SSH and (as root) DHCP exchange between two
127.x addresses, counting every payload byte each side sent, so that the logs the tests write
(Zeek, see zeek_writer.py) or have Suricata write (from a tcpdump capture of the same sessions)
can be checked against what really happened. Only loopback is used.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import stop_process

# What the server side says about itself (made up: no real vendor).
SERVER_HEADER = "ExampleCam-Webs/2.1"
WWW_AUTHENTICATE = 'Digest realm="ExampleCam", nonce="abc", qop="auth"'
USER_AGENT = "ExampleClient/1.0 (loopback test)"
HTTP_HOST = "Cam.Example.test"  # mixed case on purpose: contact names are lower-cased
TLS_SNI = "Cloud.Vendor.Example.test."  # trailing dot on purpose
TLS_SUBJECT = [("C", "CN"), ("ST", "ZJ"), ("O", "Example Vision"), ("CN", "cam.example.test")]
DNS_NAME = "p2p.vendor.example.test"
DNS_ANSWER = "198.51.100.7"
SSH_SERVER = "SSH-2.0-ExampleSSH_1.5"
SSH_CLIENT = "SSH-2.0-OpenSSH_9.2p1 Debian-2"
DHCP_MAC = "02:00:5e:10:20:30"
DHCP_HOSTNAME = "cam-lobby"
DHCP_VENDOR = "ExampleVendor IPC"
DHCP_ADDRESS = "192.168.7.50"


@dataclass
class Conn:
    """One connection as Zeek's conn.log would record it (payload bytes per side)."""

    proto: str
    orig_h: str
    orig_p: int
    resp_h: str
    resp_p: int
    service: str
    start: float
    end: float
    orig_bytes: int = 0
    resp_bytes: int = 0


@dataclass
class Sessions:
    server: str
    client: str
    conns: dict[str, Conn] = field(default_factory=dict)  # by service: http, ssl, dns, ssh, dhcp
    dns_id: int = 0
    cert_der: bytes = b""
    cert_pem: Path | None = None
    dhcp: bool = False


def random_pair() -> tuple[str, str]:
    """Two addresses of one random 127.x.y.0/24 (server, client)."""
    base = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}"
    return f"{base}.2", f"{base}.1"


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate with TLS_SUBJECT, made with the openssl CLI."""
    subject = "".join(f"/{k}={v}" for k, v in TLS_SUBJECT)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "30",
            "-subj",
            subject,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _serve_once(server: socket.socket, handler) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        conn.settimeout(5)
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _listen(address: str, port: int = 0) -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, port))
    server.listen(4)
    server.settimeout(5)
    return server


def _http(s: Sessions) -> None:
    response = (
        "HTTP/1.1 401 Unauthorized\r\n"
        f"Server: {SERVER_HEADER}\r\n"
        f"WWW-Authenticate: {WWW_AUTHENTICATE}\r\n"
        "Content-Type: text/html\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
        "<html><title>Login</title></html>\n\n\n\n\n\n\n"
    ).encode()
    request = f"GET /doc/page/login.asp HTTP/1.1\r\nHost: {HTTP_HOST}:8080\r\nUser-Agent: {USER_AGENT}\r\n\r\n".encode()

    def handle(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(response)

    server = _listen(s.server, 8080)
    thread = _serve_once(server, handle)
    start = time.time()
    client = socket.socket()
    client.bind((s.client, 0))
    client.connect((s.server, 8080))
    client.sendall(request)
    got = b""
    while len(got) < len(response):
        chunk = client.recv(4096)
        if not chunk:
            break
        got += chunk
    port = client.getsockname()[1]
    client.close()
    thread.join(5)
    server.close()
    s.conns["http"] = Conn(
        "tcp", s.client, port, s.server, 8080, "http", start, time.time(), len(request), len(got)
    )


def _tls(s: Sessions, cert: Path, key: Path) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    context.maximum_version = ssl.TLSVersion.TLSv1_2  # the certificate travels in clear text

    def handle(conn: socket.socket) -> None:
        tls = context.wrap_socket(conn, server_side=True)
        tls.recv(64)
        tls.sendall(b"ok")
        tls.close()

    server = _listen(s.server, 8443)
    thread = _serve_once(server, handle)
    start = time.time()
    sent, received, port = _tls_client(s.client, s.server, 8443, TLS_SNI)
    thread.join(5)
    server.close()
    s.conns["ssl"] = Conn("tcp", s.client, port, s.server, 8443, "ssl", start, time.time(), sent, received)


def _tls_client(client: str, server: str, port: int, sni: str) -> tuple[int, int, int]:
    """A TLS exchange through memory BIOs, so that every byte on the wire is counted."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=sni)
    sock = socket.socket()
    sock.bind((client, 0))
    sock.settimeout(5)
    sock.connect((server, port))
    counts = [0, 0]

    def flush() -> None:
        data = outgoing.read()
        if data:
            sock.sendall(data)
            counts[0] += len(data)

    def fill() -> bool:
        data = sock.recv(65536)
        counts[1] += len(data)
        if data:
            incoming.write(data)
        else:
            incoming.write_eof()
        return bool(data)

    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            flush()
            if not fill():
                raise
    tls.write(b"hi")
    flush()
    while True:
        try:
            tls.read(64)
            break
        except ssl.SSLWantReadError:
            if not fill():
                break
    local_port = sock.getsockname()[1]
    sock.close()
    return counts[0], counts[1], local_port


def dns_query(name: str, ident: int) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + b"\x00\x00\x01\x00\x01"


def dns_answer(query: bytes, address: str) -> bytes:
    header = query[:2] + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0)
    answer = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + socket.inet_aton(address)
    return header + query[12:] + answer


def _dns(s: Sessions) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((s.server, 53))
    server.settimeout(5)
    sizes = {}

    def handle() -> None:
        data, peer = server.recvfrom(512)
        reply = dns_answer(data, DNS_ANSWER)
        sizes["reply"] = len(reply)
        server.sendto(reply, peer)

    thread = threading.Thread(target=handle, daemon=True)
    thread.start()
    s.dns_id = random.randint(1, 65535)
    query = dns_query(DNS_NAME, s.dns_id)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind((s.client, 0))
    client.settimeout(5)
    start = time.time()
    client.sendto(query, (s.server, 53))
    client.recvfrom(512)
    port = client.getsockname()[1]
    client.close()
    thread.join(5)
    server.close()
    s.conns["dns"] = Conn(
        "udp", s.client, port, s.server, 53, "dns", start, time.time(), len(query), sizes["reply"]
    )


def _ssh(s: Sessions) -> None:
    def handle(conn: socket.socket) -> None:
        conn.sendall(f"{SSH_SERVER}\r\n".encode())
        conn.recv(256)
        time.sleep(0.05)

    server = _listen(s.server, 22)
    thread = _serve_once(server, handle)
    start = time.time()
    client = socket.socket()
    client.bind((s.client, 0))
    client.connect((s.server, 22))
    banner = client.recv(256)
    client.sendall(f"{SSH_CLIENT}\r\n".encode())
    port = client.getsockname()[1]
    thread.join(5)
    client.close()
    server.close()
    s.conns["ssh"] = Conn(
        "tcp", s.client, port, s.server, 22, "ssh", start, time.time(), len(SSH_CLIENT) + 2, len(banner)
    )


def dhcp_message(op: int, xid: int, yiaddr: str, options: bytes) -> bytes:
    mac = bytes.fromhex(DHCP_MAC.replace(":", ""))
    header = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        op, 1, 6, 0, xid, 0, 0, b"\0" * 4, socket.inet_aton(yiaddr), b"\0" * 4, b"\0" * 4,
        mac + b"\0" * 10, b"\0" * 64, b"\0" * 128,
    )  # fmt: skip
    return header + b"\x63\x82\x53\x63" + options + b"\xff"


def _dhcp(s: Sessions) -> None:
    """A DHCPREQUEST (client 68 -> server 67, with options 12, 55, 60) and its DHCPACK."""
    xid = random.randint(1, 2**31)
    request = dhcp_message(
        1,
        xid,
        "0.0.0.0",
        b"\x35\x01\x03"
        + bytes([12, len(DHCP_HOSTNAME)]) + DHCP_HOSTNAME.encode()
        + bytes([60, len(DHCP_VENDOR)]) + DHCP_VENDOR.encode()
        + b"\x37\x04\x01\x03\x06\x0f"
        + b"\x32\x04" + socket.inet_aton(DHCP_ADDRESS),
    )  # fmt: skip
    ack = dhcp_message(2, xid, DHCP_ADDRESS, b"\x35\x01\x05\x33\x04\x00\x00\x0e\x10\x01\x04\xff\xff\xff\x00")
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((s.server, 67))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind((s.client, 68))
    start = time.time()
    client.sendto(request, (s.server, 67))
    server.settimeout(5)
    server.recvfrom(1024)
    server.sendto(ack, (s.client, 68))
    client.settimeout(5)
    client.recvfrom(1024)
    client.close()
    server.close()
    s.conns["dhcp"] = Conn(
        "udp", s.client, 68, s.server, 67, "dhcp", start, time.time(), len(request), len(ack)
    )
    s.dhcp = True


def privileged() -> bool:
    """Whether ports below 1024 can be bound (root): DNS on 53, SSH on 22, DHCP on 67/68."""
    return os.geteuid() == 0


def run_sessions(workdir: Path, server: str | None = None, client: str | None = None) -> Sessions:
    """Drive every session once between two loopback addresses (fresh ones unless given);
    return what happened."""
    if server is None or client is None:
        server, client = random_pair()
    s = Sessions(server, client)
    cert, key = make_cert(workdir)
    s.cert_pem = cert
    s.cert_der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    _http(s)
    _tls(s, cert, key)
    if privileged():
        _dns(s)
        _ssh(s)
        _dhcp(s)
    return s


class Capture:
    """tcpdump on the loopback interface for one /24, as a context manager."""

    def __init__(self, path: Path, net: str) -> None:
        self.path = path
        self.net = net
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("tcpdump") is not None and privileged()

    def _probe(self) -> None:
        """A datagram into the captured /24 (to a closed port: nothing answers but the kernel)."""
        base = self.net.split("/", 1)[0].rsplit(".", 1)[0]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((f"{base}.253", 0))
            probe.sendto(b"custodiet capture probe", (f"{base}.254", 9))

    def _wait_for_growth(self, size: int, timeout: float = 15.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            self._probe()
            time.sleep(0.1)
            if self.path.exists() and self.path.stat().st_size > size:
                return True
        return False

    def __enter__(self) -> Capture:
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", "lo", "-U", "-n", "-Z", "root", "-w", str(self.path), "net", self.net],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # Live once a probe packet reaches the file (-U writes each packet at once): a loaded
        # machine may take seconds to start tcpdump, and a capture missing the sessions is useless.
        if not self._wait_for_growth(24):
            self.__exit__()
            raise RuntimeError("tcpdump did not start capturing")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.path.exists():
            self._wait_for_growth(self.path.stat().st_size)  # every earlier packet is written too
        stop_process(self.proc)
        self.proc = None
