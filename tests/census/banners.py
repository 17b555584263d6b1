"""The real banners the labelled-synthetic sets are made of, each with its public source.

Two sources, neither of them custodiet's signature files:
1. tests/accuracy/corpus/public.jsonl: device output quoted in public issue threads, vendor
   documentation and library fixtures, labelled by reading (tests/accuracy/README.md; every
   origin's address is in tests/accuracy/SOURCES.md). Only the fields an internet scanner
   records are used (HTTP, RTSP, SIP, SSH, Telnet, SNMP sysDescr, UPnP server, TLS names).
2. EXTRA below: banners transcribed for the census from public threads (address given).
Generic server software (nginx, Apache, OpenSSH...) stands for hosts of no particular maker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Makers on the FCC Covered List / NDAA section 889 (with DJI and Autel, December 2025): the
# truth side of the held-out check names them itself rather than asking custodiet's policy.
COVERED = frozenset({"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera", "DJI", "Autel Robotics"})
PUBLIC = ROOT / "tests" / "accuracy" / "corpus" / "public.jsonl"


@dataclass(frozen=True)
class Banner:
    maker: str | None
    covered: bool
    kind: str  # http, rtsp, sip, ssh, telnet, snmp, upnp, tls
    text: str  # the text as the source quotes it
    source: str
    module: str = ""
    port: int = 0
    transport: str = "tcp"
    data: str = ""  # the raw banner a scanner records
    shodan_extra: dict = field(default_factory=dict, hash=False, compare=False)


# (maker of the device, covered, field, text, source). Transcribed from the public threads named.
# The maker is the device's, as the thread says, even where the text alone names nobody (the
# second Dahua answer): a census that misses it misses a real host, and the check counts it.
EXTRA = [
    (
        "Hikvision", True, "http.headers",
        "HTTP/1.1 200 OK\r\nDate: Thu, 08 Apr 2021 22:15:21 GMT\r\nServer: DNVRS-Webs\r\nETag: \"0-5e0-1e0\"\r\n"
        "Content-Length: 480\r\nContent-Type: text/html\r\nConnection: keep-alive",
        "https://github.com/eu-evops/homebridge-hikvision/issues/2 (curl -v of a Hikvision NVR)",
    ),
    (
        "Hikvision", True, "http.headers",
        "HTTP/1.1 404 Not Found\r\nDate: Thu, 08 Apr 2021 22:08:25 GMT\r\nServer: DNVRS-Webs\r\nCache-Control: no-cache\r\n"
        "Content-Length: 20\r\nContent-Type: text/html\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60, max=99",
        "https://github.com/eu-evops/homebridge-hikvision/issues/2 (curl -v http://.../ISAPI)",
    ),
    (
        "Dahua", True, "rtsp.response",
        'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="Login to 4G057A9PAG82ECC", '
        'nonce="0da8f7daba3c280bae3c5f850d6caa1e"',
        "https://github.com/Streamedian/html5_rtsp_player/issues/152 (Dahua IP camera, first RTSP answer)",
    ),
    (
        "Dahua", True, "rtsp.response",
        "RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Rtsp Server/3.0\r\n"
        "Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
        "https://github.com/Streamedian/html5_rtsp_player/issues/152 (Dahua IP camera, after login)",
    ),
]  # fmt: skip

GENERIC = [
    (
        "http.headers",
        "HTTP/1.1 200 OK\r\nServer: nginx/1.18.0 (Ubuntu)\r\nContent-Type: text/html\r\nConnection: keep-alive",
    ),
    (
        "http.headers",
        "HTTP/1.1 200 OK\r\nServer: Apache/2.4.41 (Ubuntu)\r\nContent-Type: text/html; charset=UTF-8",
    ),
    ("http.headers", "HTTP/1.1 403 Forbidden\r\nServer: Microsoft-IIS/10.0\r\nX-Powered-By: ASP.NET"),
    (
        "http.headers",
        "HTTP/1.1 301 Moved Permanently\r\nServer: cloudflare\r\nLocation: https://example.org/",
    ),
    ("ssh.banner", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6"),
    ("ssh.banner", "SSH-2.0-OpenSSH_7.4"),
    ("ssh.banner", "SSH-2.0-dropbear_2020.81"),
    # A hard negative: a page that merely mentions covered makers (a reseller's shop).
    (
        "http.headers",
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Shop: cameras - hikvision dahua huawei zte deals",
    ),
]

# field -> (kind, Shodan module, port, transport)
_SHAPES = {
    "http.headers": ("http", "http", 80, "tcp"),
    "http.server": ("http", "http", 80, "tcp"),
    "http.www_authenticate": ("http", "http", 80, "tcp"),
    "http.body": ("http", "http", 80, "tcp"),
    "rtsp.response": ("rtsp", "rtsp-tcp", 554, "tcp"),
    "rtsp.server": ("rtsp", "rtsp-tcp", 554, "tcp"),
    "sip.user_agent": ("sip", "sip", 5060, "udp"),
    "sip.server": ("sip", "sip", 5060, "udp"),
    "ssh.banner": ("ssh", "ssh", 22, "tcp"),
    "telnet.banner": ("telnet", "telnet", 23, "tcp"),
    "snmp.sysdescr": ("snmp", "snmp", 161, "udp"),
    "upnp.server": ("upnp", "upnp", 1900, "udp"),
    "tls.subject": ("tls", "https", 443, "tcp"),
    "tls.issuer": ("tls", "https", 443, "tcp"),
}


def banner(maker: str | None, covered: bool, field_: str, text: str, source: str) -> Banner | None:
    """A Banner in the shape a scanner records for the field; None for fields scanners lack."""
    shape = _SHAPES.get(field_)
    if shape is None:
        return None
    kind, module, port, transport = shape
    extra: dict = {}
    if field_ == "http.headers":
        data = text + "\r\n\r\n"
    elif field_ == "http.server":
        data = f"HTTP/1.1 200 OK\r\nServer: {text}\r\n\r\n"
        extra = {"http": {"server": text}}
    elif field_ == "http.www_authenticate":
        data = f"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {text}\r\n\r\n"
    elif field_ == "http.body":
        data = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        extra = {"http": {"html": text}}
    elif field_ == "rtsp.response":
        data = text + "\r\n\r\n"
    elif field_ == "rtsp.server":
        data = f"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: {text}\r\n\r\n"
    elif field_ == "sip.user_agent":
        data = f"SIP/2.0 200 OK\r\nUser-Agent: {text}\r\n\r\n"
    elif field_ == "sip.server":
        data = f"SIP/2.0 200 OK\r\nServer: {text}\r\n\r\n"
    elif field_ in ("ssh.banner", "telnet.banner"):
        data = text + ("\r\n" if field_ == "ssh.banner" else "")
    elif field_ == "snmp.sysdescr":
        data = f"SNMP:\n  Description: {text}\n"
        extra = {"snmp": {"description": text}}
    elif field_ == "upnp.server":
        data = f"HTTP/1.1 200 OK\r\nSERVER: {text}\r\nST: upnp:rootdevice\r\n\r\n"
    else:  # TLS names
        data = ""
        extra = {"ssl": {"cert": {"subject" if field_ == "tls.subject" else "issuer": text}}}
    return Banner(maker, covered, kind, text, source, module, port, transport, data, extra)


@lru_cache(maxsize=1)
def pool() -> tuple[Banner, ...]:
    """Every banner: the public corpus' scanner-visible records, EXTRA and GENERIC."""
    out: list[Banner] = []
    for row in (json.loads(line) for line in PUBLIC.read_text(encoding="utf-8").splitlines() if line.strip()):
        # The host's truth is its device's maker: "device" when the corpus knows it from the
        # same capture (a Hikvision camera whose RTSP realm is its MAC), else the text's label.
        maker = row.get("device") or row["label"]["manufacturer"]
        made = banner(maker, maker in COVERED, row["field"], row["text"], row["origin"])
        if made is not None:
            out.append(made)
    for maker, covered, field_, text, source in EXTRA:
        made = banner(maker, covered, field_, text, source)
        if made is not None:
            out.append(made)
    for field_, text in GENERIC:
        made = banner(None, False, field_, text, "generic server software")
        if made is not None:
            out.append(made)
    return tuple(out)
