"""Everything an nmap scan holds reaches the matcher: http-auth challenges as WWW-Authenticate
values, and the output of scripts no reader knows the shape of as `nmap.script` (issue 8, item 4).

The real nmap scans one listener on port 8080 (an HTTP port for nmap's script rules) of a random
127.x.y.z address; nothing else is scanned.
"""

from __future__ import annotations

import random
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import fuse_one_text
from custodiet.pipeline.content import load_content
from custodiet.sources.nmap_xml import read

from .helpers import run_reader, texts

pytestmark = pytest.mark.nmap

REPLY = (
    b"HTTP/1.1 401 Unauthorized\r\nServer: webserver\r\nDate: Mon, 07 Dec 2026 07:00:00 GMT\r\n"
    b'WWW-Authenticate: Digest realm="Login to 4K01FD2PAJ6E3FF", qop="auth", nonce="203c8d27"\r\n'
    b'WWW-Authenticate: Basic realm="HuaweiHomeGateway"\r\n'
    b"Content-Length: 0\r\n\r\n"
)


@pytest.fixture
def http_8080():
    address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, 8080))
    server.listen(32)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(4096)
                    conn.sendall(REPLY)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield address
    stop.set()
    thread.join(2)
    server.close()


def test_http_auth_and_unknown_scripts_reach_the_matcher(
    nmap_binary: str, http_8080: str, tmp_path: Path
) -> None:
    out = tmp_path / "scan.xml"
    assert http_8080.startswith("127.")
    subprocess.run(
        [nmap_binary, "-n", "-Pn", "-sT", "-sV", "-p", "8080", "--script", "http-auth,http-date",
         "-oX", str(out), http_8080],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    obs, _ = run_reader(read, out)
    on_port = [o for o in obs if o.port == "8080/tcp"]
    challenges = texts(
        [o for o in on_port if "script http-auth" in o.provenance.place], "http.www_authenticate"
    )
    assert 'Basic realm="HuaweiHomeGateway"' in challenges, out.read_text(errors="replace")
    assert any(c.startswith('Digest realm="Login to 4K01FD2PAJ6E3FF"') for c in challenges)
    identifier = Identifier(load_content().compiled)
    values, confidence, _ = fuse_one_text(
        identifier.match("http.www_authenticate", 'Basic realm="HuaweiHomeGateway"')
    )
    assert values["manufacturer"] == "Huawei" and confidence >= 0.6
    # http-date has no reader of its own: its output is kept as nmap printed it.
    assert any("script http-date" in o.provenance.place for o in on_port if o.field == "nmap.script")
