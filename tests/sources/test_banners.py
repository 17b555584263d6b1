"""Scanner exports: masscan (-oJ, -oD), zgrab2, Shodan and Censys records to observations.

The files under data/logs/ follow each producer's documented output (see the docstring of
custodiet.sources.banners_jsonl); values are made up (no real vendor)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model import Observation
from custodiet.sources import banners_jsonl as bj
from custodiet.sources.base import SourceOptions
from custodiet.sources.registry import READERS

from .helpers import DATA
from .reading import assert_detected_plain_and_gzipped, read_checked

LOGS = DATA / "logs"


def facts(observations: list[Observation]) -> set[tuple]:
    return {(o.subject.address, o.field, o.port, o.text) for o in observations}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("masscan.json", "masscan"),
        ("masscan.ndjson", "masscan"),
        ("zgrab2.json", "zgrab2"),
        ("shodan.json", "shodan"),
        ("censys.json", "censys"),
    ],
)
def test_detected(name: str, fmt: str, tmp_path: Path) -> None:
    packed = assert_detected_plain_and_gzipped(LOGS / name, fmt, tmp_path)
    plain, _ = read_checked(READERS[fmt], LOGS / name)
    unpacked, _ = read_checked(READERS[fmt], packed)
    assert facts(plain) == facts(unpacked)


def test_masscan_json() -> None:
    observations, stats = read_checked(bj.read_masscan, LOGS / "masscan.json")
    got = facts(observations)
    ip = "192.0.2.10"
    assert {
        (ip, "port", "80/tcp", "80/tcp"),
        (ip, "port", "80/tcp", "80/tcp http"),
        (
            ip,
            "http.headers",
            "80/tcp",
            "HTTP/1.1 401 Unauthorized\r\nServer: ExampleCam-Webs/2.1\r\n"
            'WWW-Authenticate: Basic realm="Example"\r\nContent-Length: 0',
        ),
        (ip, "http.server", "80/tcp", "ExampleCam-Webs/2.1"),  # from the header block and from http.server
        (ip, "http.www_authenticate", "80/tcp", 'Basic realm="Example"'),
        (ip, "http.title", "80/tcp", "Caf\u00e9 \u65e5 login"),  # \u00XX-escaped UTF-8 bytes, restored
        (ip, "port", "22/tcp", "22/tcp ssh"),
        (ip, "ssh.banner", "22/tcp", "SSH-2.0-ExampleSSH_1.5"),
        (ip, "port", "21/tcp", "21/tcp ftp"),
        (ip, "ftp.banner", "21/tcp", "220 Example FTP server \\xff ready"),  # a byte that is not UTF-8
        (ip, "port", "23/tcp", "23/tcp telnet"),
        (ip, "telnet.banner", "23/tcp", "\\xff\\xfd\x18\\xff\\xfd \r\nExample login:"),
        (ip, "port", "445/tcp", "445/tcp smb"),
    } == got
    assert stats.records == 8
    assert stats.skipped == {"bad address": 1, "masscan banner of a service not read": 1}
    assert {o.provenance.place for o in observations if o.field == "ssh.banner"} == {"line 10"}


def test_masscan_ndjson_and_old_trailing_commas(tmp_path: Path) -> None:
    observations, _ = read_checked(bj.read_masscan, LOGS / "masscan.ndjson")
    assert facts(observations) == {
        ("192.0.2.11", "port", "554/tcp", "554/tcp"),
        ("192.0.2.11", "port", "22/tcp", "22/tcp ssh"),
        ("192.0.2.11", "ssh.banner", "22/tcp", "SSH-2.0-OtherSSH_7"),
    }
    old = tmp_path / "old.json"  # masscan 1.0 ended each record with "," and the array with "]"
    old.write_text(
        '[\n{ "ip": "192.0.2.12", "ports": [ {"port": 23, "proto": "tcp", "service": {"name": "telnet", '
        '"banner": "login:"} } ] },\n]\n'
    )
    observations, stats = read_checked(bj.read_masscan, old)
    assert ("192.0.2.12", "telnet.banner", "23/tcp", "login:") in facts(observations)
    assert not stats.skipped


def der_certificate(tmp_path: Path, subject: str) -> bytes:
    key, pem = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-utf8", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(pem), "-days", "1", "-subj", subject],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return subprocess.run(
        ["openssl", "x509", "-in", str(pem), "-outform", "DER"], check=True, capture_output=True, timeout=60
    ).stdout


def test_x509_banner_names(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    der = der_certificate(tmp_path, "/C=CN/ST=ZJ/O=Example Vision, Ltd/OU=Cam\u00e9ras/CN=cam.example.test")
    subject, issuer = bj.certificate_names(der)
    assert subject == issuer == "CN=cam.example.test,OU=Cam\u00e9ras,O=Example Vision\\, Ltd,ST=ZJ,C=CN"
    record = tmp_path / "x509.json"
    record.write_text(
        '[\n{   "ip": "192.0.2.13",   "timestamp": "1", "ports": [ {"port": 443, "proto": "tcp", "service": '
        f'{{"name": "X509", "banner": "{base64.b64encode(der).decode()}"}} }} ] }}\n]\n'
    )
    observations, _ = read_checked(bj.read_masscan, record)
    assert ("192.0.2.13", "tls.subject", "443/tcp", subject) in facts(observations)
    assert bj.certificate_names(der[:40]) == (None, None)
    assert bj.certificate_names(b"\x30\x84\xff\xff\xff\xff") == (None, None)


def test_zgrab2() -> None:
    observations, stats = read_checked(bj.read_zgrab2, LOGS / "zgrab2.json")
    ip = "192.0.2.20"
    got = facts(observations)
    assert {
        (
            ip,
            "http.headers",
            "8443/tcp",
            "HTTP/1.1 200 OK\r\nServer: ExampleCam-Webs/2.1\r\nContent-Type: text/html\r\n"
            'Www-Authenticate: Digest realm="Example", qop="auth"\r\nX-Device-Model: EX-100',
        ),
        (ip, "http.server", "8443/tcp", "ExampleCam-Webs/2.1"),
        (ip, "http.www_authenticate", "8443/tcp", 'Digest realm="Example", qop="auth"'),
        (ip, "http.body", "8443/tcp", "<html><head><title>Example Camera</title></head><body></body></html>"),
        (ip, "http.title", "8443/tcp", "Example Camera"),
        (ip, "tls.subject", "8443/tcp", "C=CN, O=Example Vision, CN=cam.example.test"),
        (ip, "tls.issuer", "8443/tcp", "C=CN, O=Example Vision, CN=Example Root"),
        (ip, "ssh.banner", None, "SSH-2.0-ExampleSSH_1.5"),
        (ip, "tls.subject", None, "C=CN, O=Example Vision, CN=cam.example.test"),
        (ip, "tls.issuer", None, "C=CN, O=Example Vision, CN=Example Root"),
        (ip, "ftp.banner", None, "220 Example FTP server ready"),
        (ip, "telnet.banner", None, "Example login:"),
    } == got
    assert stats.records == 1
    assert stats.skipped == {
        "zgrab2 scan of a protocol not read": 1,  # mysql
        "zgrab2 scan without result": 1,  # the failed rtsp scan
        "bad address": 1,  # a record with a domain and no IP
    }
    assert {o.provenance.place for o in observations if o.field == "ssh.banner"} == {"line 1 ssh"}


def test_shodan() -> None:
    observations, stats = read_checked(bj.read_shodan, LOGS / "shodan.json")
    ip = "192.0.2.30"
    got = facts(observations)
    assert {
        (ip, "port", "80/tcp", "80/tcp http"),
        (
            ip,
            "http.headers",
            "80/tcp",
            "HTTP/1.1 200 OK\r\nServer: ExampleCam-Webs/2.1\r\nSet-Cookie: session=1\r\n"
            "Content-Type: text/html",
        ),
        (ip, "http.server", "80/tcp", "ExampleCam-Webs/2.1"),
        (ip, "http.cookie", "80/tcp", "session=1"),
        (ip, "http.title", "80/tcp", "Example Camera"),
        (ip, "http.body", "80/tcp", "<html><title>Example Camera</title></html>"),
        (ip, "cpe", "80/tcp", "cpe:2.3:h:example:camera"),
        (ip, "cpe", "80/tcp", "cpe:/h:example:camera"),
        (ip, "hostname", None, "cam30.example.net"),
        (ip, "port", "443/tcp", "443/tcp https-simple-new"),
        (ip, "http.headers", "443/tcp", "HTTP/1.1 302 Found\r\nLocation: /login"),
        (ip, "tls.subject", "443/tcp", "CN=cam.example.test,O=Example Vision,C=CN"),
        (ip, "tls.issuer", "443/tcp", "CN=Example Root,O=Example Vision,C=CN"),
        (ip, "port", "22/tcp", "22/tcp ssh"),
        (ip, "ssh.banner", "22/tcp", "SSH-2.0-ExampleSSH_1.5"),
        (ip, "port", "554/tcp", "554/tcp rtsp-tcp"),
        (
            ip,
            "rtsp.response",
            "554/tcp",
            "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Example Streaming Media v1.0\r\nPublic: OPTIONS, DESCRIBE",
        ),
        (ip, "rtsp.server", "554/tcp", "Example Streaming Media v1.0"),
        (ip, "port", "23/tcp", "23/tcp telnet"),
        (ip, "telnet.banner", "23/tcp", "\u00ff\u00fb\x01\r\nExample login:"),
        (ip, "port", "5060/udp", "5060/udp sip"),
        (ip, "sip.user_agent", "5060/udp", "ExamplePhone 1.2"),
        (ip, "sip.server", "5060/udp", "ExamplePBX 3"),
        (ip, "port", "27017/tcp", "27017/tcp mongodb"),
    } == got
    assert stats.records == 7
    assert stats.skipped == {"bad address": 1, "Shodan banner of a module not read": 1}


def test_censys() -> None:
    observations, stats = read_checked(bj.read_censys, LOGS / "censys.json")
    got = facts(observations)
    ip = "192.0.2.40"
    assert {
        (ip, "port", "80/tcp", "80/tcp http"),
        (
            ip,
            "http.headers",
            "80/tcp",
            "HTTP/1.1 401 Unauthorized\r\nServer: ExampleCam-Webs/2.1\r\n"
            'Www-Authenticate: Basic realm="Example"',
        ),
        (ip, "http.server", "80/tcp", "ExampleCam-Webs/2.1"),
        (ip, "http.www_authenticate", "80/tcp", 'Basic realm="Example"'),
        (ip, "http.title", "80/tcp", "Example Login"),
        (ip, "http.body", "80/tcp", "<html><title>Example Login</title></html>"),
        (ip, "cpe", "80/tcp", "cpe:2.3:a:example:webs:2.1:*:*:*:*:*:*:*"),
        (ip, "port", "22/tcp", "22/tcp ssh"),
        (ip, "ssh.banner", "22/tcp", "SSH-2.0-ExampleSSH_1.5"),
        (ip, "port", "443/tcp", "443/tcp http"),
        (ip, "tls.subject", "443/tcp", "C=CN, O=Example Vision, CN=cam.example.test"),
        (ip, "tls.issuer", "443/tcp", "C=CN, O=Example Vision, CN=Example Root"),
        (ip, "port", "161/udp", "161/udp snmp"),
        (ip, "snmp.sysdescr", "161/udp", "Example OS 1.0 build 7"),
        (ip, "snmp.sysobjectid", "161/udp", "1.3.6.1.4.1.32473.1"),
        (ip, "port", "8883/tcp", "8883/tcp mqtt"),
        (ip, "hostname", None, "host40.example.net"),
    } <= got
    # the API answer's "result" wrapper and a Platform record
    assert ("192.0.2.41", "ssh.banner", "22/tcp", "SSH-2.0-ExampleSSH_1.5") in got
    assert {("192.0.2.42", "http.server", "8080/tcp", "ExampleCam-Webs/2.1"),
            ("192.0.2.42", "http.title", "8080/tcp", "Platform Login"),
            ("192.0.2.42", "tls.subject", "8080/tcp", "CN=platform.example.test")} <= got  # fmt: skip
    assert stats.records == 3
    assert stats.skipped == {"Censys banner of a service not read": 1}
    assert {o.provenance.place for o in observations if o.field == "snmp.sysdescr"} == {"line 1 service 4"}


def test_bad_lines_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "shodan.json"
    path.write_text('{"ip_str": "192.0.2.1", "port": 22, "transport": "tcp", "data": "SSH-2.0-x",'
                    ' "_shodan": {"module": "ssh"}}\n\n{broken\n[1]\n')  # fmt: skip
    observations, stats = read_checked(bj.read_shodan, path)
    assert ("192.0.2.1", "ssh.banner", "22/tcp", "SSH-2.0-x") in facts(observations)
    assert stats.skipped == {"malformed JSON": 1, "not a JSON object": 1}
    with pytest.raises(InputError) as caught:
        read_checked(bj.read_shodan, path, SourceOptions(strict=True))
    assert (caught.value.file, caught.value.place) == ("shodan.json", "line 3")


def test_hostile_sizes(tmp_path: Path) -> None:
    """A record with a huge banner and thousands of ports stays bounded."""
    banner = "SSH-2.0-" + "A" * 200_000
    ports = ", ".join(f'{{"port": {p}, "proto": "tcp", "status": "open"}}' for p in range(1, 5000))
    path = tmp_path / "big.json"
    path.write_text(
        f'{{"ip": "192.0.2.9", "ports": [ {{"port": 22, "proto": "tcp", "service": {{"name": "ssh", '
        f'"banner": "{banner}"}}}}, {ports} ]}}\n'
    )
    observations, _ = read_checked(bj.read_masscan, path)
    assert max(len(o.text) for o in observations) == 65536
    assert len(observations) <= bj.MAX_ITEMS * 2


def test_service_kinds_and_titles() -> None:
    assert [bj.service_kind(n) for n in ("https-simple-new", "rtsp-tcp", "HTTP", "ssh2", "ssdp", "smb", None)] == [
        "http", "rtsp", "http", "ssh", "upnp", None, None,
    ]  # fmt: skip
    assert bj.html_title("<HTML><Title lang=en> Login </TITLE>") == "Login"
    assert bj.html_title("<title>unterminated") is None


def _reference_fields(kind: str, block: str) -> list[tuple[str, str]]:
    """The header fields of a banner as header_lines() defines its header lines."""
    fields = bj._HEADER_FIELDS[kind]
    out = []
    for line in bj.header_lines(block):
        name, _, value = line.partition(":")
        target = fields.get(name.strip().lower())
        if target and value.strip():
            out.append((target, value.strip()))
    return out


def test_header_fields_are_those_of_the_header_lines() -> None:
    # _emit_headers looks each line's name up without header_lines()' own test (a name it
    # reads passes that test by itself): both must give the same fields on any text.
    import random

    from custodiet.census.derive import Deriver

    rng = random.Random(11)
    pieces = [
        "Server", "server ", " SERVER", "\tServer", "X Server", "a/b", "Server/1", ":", ": ", "\r\n", "\n",
        "\r\n\r\n", "\n\n", "\t", " ", "Set-Cookie", "SET-COO\u212aIE", "User-Agent", "www-authenticate",
        "Hik", "v1", "Date", "x",
    ]  # fmt: skip
    deriver = Deriver()
    checked = 0
    for _ in range(4000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for kind in ("http", "rtsp", "sip", "upnp"):
            found = [
                (f, t)
                for f, t in deriver.derive(f"banner:{kind}", block)
                if f in bj._HEADER_FIELDS[kind].values()
            ]
            assert found == list(dict.fromkeys(_reference_fields(kind, block))), (kind, block)
            checked += bool(found)
    assert checked > 300  # texts that give some field
