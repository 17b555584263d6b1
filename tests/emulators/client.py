"""Small blocking clients the emulator tests (and make_examples) use to talk to devices.

Plain sockets so that a test sees the exact bytes a device sent, not what a client
library chose to keep.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import tempfile
import time

from . import ber


def tcp_exchange(address: str, port: int, request: bytes, timeout: float = 3.0, tls: bool = False) -> bytes:
    """Send request (may be empty), read until the peer closes or goes quiet."""
    raw = socket.create_connection((address, port), timeout=timeout)
    sock: socket.socket = raw
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(raw)
    data = b""
    try:
        if request:
            sock.sendall(request)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(data) < 1 << 20:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
            if b"RTSP/1.0" in request[:200] and b"\r\n\r\n" in data:
                break
    finally:
        sock.close()
    return data


def read_banner(address: str, port: int, size: int, timeout: float = 3.0) -> bytes:
    """The first bytes a server sends unprompted (SSH, FTP, Telnet)."""
    with socket.create_connection((address, port), timeout=timeout) as sock:
        data = b""
        deadline = time.monotonic() + timeout
        while len(data) < size and time.monotonic() < deadline:
            try:
                chunk = sock.recv(size - len(data))
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
        return data


def http(
    address: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    tls: bool = False,
) -> tuple[bytes, dict[bytes, list[bytes]], bytes]:
    """One HTTP/1.0 request; returns (status line, headers lower-cased, body)."""
    lines = [f"{method} {path} HTTP/1.0", f"Host: {address}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    raw = tcp_exchange(address, port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body, tls=tls)
    head, _, rest = raw.partition(b"\r\n\r\n")
    status, *header_lines = head.split(b"\r\n")
    parsed: dict[bytes, list[bytes]] = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        parsed.setdefault(name.strip().lower(), []).append(value.strip())
    return status, parsed, rest


def udp_exchange(address: str, port: int, payload: bytes, timeout: float = 2.0) -> bytes | None:
    """One datagram out, the first datagram back (None on timeout)."""
    family = socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(payload, (address, port))
        try:
            data, _ = sock.recvfrom(65535)
        except TimeoutError:
            return None
        return data


def snmp_get(
    address: str,
    port: int,
    oids: list[str],
    community: bytes = b"public",
    version: int = 1,
    pdu: int = ber.GET_REQUEST,
    request_id: int = 4242,
) -> ber.SnmpMessage | None:
    """GET or GETNEXT built with our own BER encoder."""
    request = ber.encode_snmp(version, community, pdu, request_id, [(o, ber.enc_null()) for o in oids])
    reply = udp_exchange(address, port, request)
    return ber.decode_snmp(reply) if reply else None


def peer_certificate(address: str, port: int) -> dict:
    """The server certificate as ssl's decoded dict (subject, issuer, ...)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, port), timeout=5) as raw, ctx.wrap_socket(raw) as sock:
        der = sock.getpeercert(binary_form=True)
    pem = ssl.DER_cert_to_PEM_cert(der)
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(pem)
        return ssl._ssl._test_decode_cert(path)  # type: ignore[attr-defined]
    finally:
        os.unlink(path)


def openssl_subject(address: str, port: int) -> str:
    """Subject and issuer lines as openssl prints them (UTF-8, RFC 2253 order)."""
    proc = subprocess.run(
        ["openssl", "s_client", "-connect", f"{address}:{port}", "-showcerts"],
        input=b"",
        capture_output=True,
        timeout=20,
        check=False,
    )
    pem = proc.stdout
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-subject", "-issuer", "-nameopt", "RFC2253,-esc_msb"],
        input=pem,
        capture_output=True,
        timeout=20,
        check=False,
    )
    return out.stdout.decode("utf-8", "replace")
