"""One probe of `custodiet scan` and its reply, as written to (and read back from) a replies file.

A scan writes every request it sent and every reply it got to a JSON Lines file, so that a run
can be identified again later with newer detection content, or handed to a vendor or an
auditor. The file starts with one header record ({"custodiet_scan": 1, ...}: the targets,
exclusions, ports and options of the scan), then one record per probe:

    {"target": "10.0.0.5", "port": 80, "transport": "tcp", "protocol": "http",
     "request": "GET / HTTP/1.1\\r\\n...", "reply": "HTTP/1.1 200 OK\\r\\n...",
     "time": "2026-12-07T07:30:01.123Z", "elapsed": 0.012}

Bytes are stored as text when they are valid UTF-8 ("request", "reply") and as base64 otherwise
("request_b64", "reply_b64"), so that a reader sees the device's own words without a decoder
while the bytes stay exact. Optional keys: "error" (why a probe got no or only part of a reply:
"timeout", "refused", "reset", "truncated", "out of scope"), "cert_b64" (the server's TLS
certificate, DER), "url" (what an HTTP request asked for), "via" ("multicast" for local
discovery), "decoded_b64" (the plaintext scoped PDU of an SNMPv3 reply, decrypted by the scan with
the user's key: the key itself is never written).

This module is the format's one definition: the scan writes with it, the replies source reads
with it; neither knows the other.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

HEADER_KEY = "custodiet_scan"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ProbeRecord:
    """One request sent to one address and port, and what came back."""

    target: str
    port: int
    transport: str  # "tcp" or "udp"
    protocol: str  # "http", "https", "tls", "rtsp", "sip", "ssh", "telnet", "ftp", "banner", ...
    request: bytes
    reply: bytes
    time: str  # ISO 8601 UTC, when the probe started
    elapsed: float = 0.0  # seconds until the reply was complete (or the probe gave up)
    error: str | None = None
    cert: bytes | None = None  # DER of the server certificate (TLS)
    url: str | None = None
    via: str | None = None  # "multicast" for local discovery
    decoded: bytes | None = None  # plaintext of an SNMPv3 reply's scoped PDU (decrypted by the scan)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target,
            "port": self.port,
            "transport": self.transport,
            "protocol": self.protocol,
        }
        if self.url:
            out["url"] = self.url
        _put_bytes(out, "request", self.request)
        _put_bytes(out, "reply", self.reply)
        if self.cert:
            out["cert_b64"] = base64.b64encode(self.cert).decode("ascii")
        out["time"] = self.time
        out["elapsed"] = round(self.elapsed, 4)
        if self.error:
            out["error"] = self.error
        if self.via:
            out["via"] = self.via
        if self.decoded:
            out["decoded_b64"] = base64.b64encode(self.decoded).decode("ascii")
        return out

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> ProbeRecord:
        """The record of one line; raises ValueError naming what is wrong."""
        target = record.get("target")
        port = record.get("port")
        if not isinstance(target, str) or not target:
            raise ValueError("no target")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port < 65536:
            raise ValueError("bad port")
        transport = record.get("transport")
        protocol = record.get("protocol")
        if transport not in ("tcp", "udp") or not isinstance(protocol, str):
            raise ValueError("bad transport or protocol")
        cert = record.get("cert_b64")
        return cls(
            target=target,
            port=port,
            transport=transport,
            protocol=protocol,
            request=_get_bytes(record, "request"),
            reply=_get_bytes(record, "reply"),
            time=str(record.get("time") or ""),
            elapsed=float(record.get("elapsed") or 0.0),
            error=record.get("error") if isinstance(record.get("error"), str) else None,
            cert=_b64(cert) if isinstance(cert, str) else None,
            url=record.get("url") if isinstance(record.get("url"), str) else None,
            via=record.get("via") if isinstance(record.get("via"), str) else None,
            decoded=_b64(decoded) if isinstance(decoded := record.get("decoded_b64"), str) else None,
        )


def _put_bytes(out: dict[str, Any], key: str, data: bytes) -> None:
    try:
        out[key] = data.decode("utf-8")
    except UnicodeDecodeError:
        out[f"{key}_b64"] = base64.b64encode(data).decode("ascii")


def _get_bytes(record: dict[str, Any], key: str) -> bytes:
    text = record.get(key)
    if isinstance(text, str):
        return text.encode("utf-8", "surrogatepass")
    raw = record.get(f"{key}_b64")
    if isinstance(raw, str):
        return _b64(raw)
    return b""


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("bad base64") from None
