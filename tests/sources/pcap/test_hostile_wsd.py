"""A WS-Discovery datagram whose XML declaration names an encoding Python cannot decode (issue 12,
row 1): any device on the LAN can send one. Recorded live by tcpdump beside good traffic from
two emulated cameras; the reader counts the hostile datagrams with their reason and still
reports every good device, and a whole audit of the capture succeeds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.emulators import client
from tests.emulators.network import start_network, worker_index

from .helpers import facts, run, texts
from .recorder import recording

PROBE = (
    b'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"'
    b' xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
    b"<e:Header><w:MessageID>uuid:1</w:MessageID></e:Header>"
    b"<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>"
)


def hostile(encoding: bytes) -> bytes:
    """A ProbeMatch that would name a device, declared in an encoding that does not exist."""
    return (
        b'<?xml version="1.0" encoding="' + encoding + b'"?>'
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Body><d:ProbeMatches><d:ProbeMatch>'
        b"<d:Types>dn:NetworkVideoTransmitter</d:Types>"
        b"<d:Scopes>onvif://www.onvif.org/name/EVIL onvif://www.onvif.org/hardware/X1</d:Scopes>"
        b"</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
    )


HOSTILE_ENCODINGS = (b"x-klingon", b"rot13", b"base64")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], bytes]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("capturing needs root")
    base = f"127.{worker_index()}.212."  # a block no other test uses
    folder = tmp_path_factory.mktemp("wsd-hostile")
    try:
        net = start_network(["hikvision-ipc", "dahua-xvr"], base=base, first=20, port_offset=0)
    except OSError as exc:
        pytest.skip(f"cannot start the emulators on {base}20+: {exc}")
    path = folder / "hostile-wsd.pcap"
    try:
        with recording(path, "lo", f"net {base}0/24"):
            hik, dahua = net.device("hikvision-ipc"), net.device("dahua-xvr")
            for dev in (hik, dahua):
                client.tcp_exchange(
                    dev.address,
                    dev.port("http"),
                    b"GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % dev.address.encode(),
                )
            good = client.udp_exchange(hik.address, hik.port("wsd"), PROBE) or b""
            # The hostile devices answer the same kind of probe, from their own addresses.
            for i, encoding in enumerate(HOSTILE_ENCODINGS):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    sock.bind((f"{base}{66 + i}", 3702))
                    sock.sendto(hostile(encoding), (f"{base}99", 40000 + i))
        addresses = {dev.name: dev.address for dev in net.devices}
    finally:
        net.stop()
    return path, addresses, good


def test_hostile_encodings_are_counted_and_good_devices_kept(recorded) -> None:
    path, addresses, good = recorded
    assert b"ProbeMatch" in good
    observations, _contacts, stats = run(path)
    assert stats.skipped == {"WS-Discovery XML in an unreadable encoding": len(HOSTILE_ENCODINGS)}
    hik, dahua = addresses["hikvision-ipc"], addresses["dahua-xvr"]
    scopes = texts(observations, "wsd.scopes", hik)
    assert len(scopes) == 1 and "dn:NetworkVideoTransmitter" in scopes[0]
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, hik)
    assert any(field == "http.headers" for field, _text, _port in facts(observations, dahua))
    # Nothing from the hostile datagrams became an observation.
    assert not [o for o in observations if "EVIL" in o.text]


def test_an_audit_of_the_capture_reports_the_good_devices(recorded, tmp_path: Path) -> None:
    path, addresses, _good = recorded
    result = subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", str(path), "--json", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(tmp_path / "db.sqlite"), "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    by_address = {a: d for d in report["devices"] for a in d["addresses"]}
    assert by_address[addresses["hikvision-ipc"]]["manufacturer"] == "Hikvision"
    assert by_address[addresses["dahua-xvr"]]["manufacturer"] == "Dahua"
    (summary,) = [i for i in report["inputs"] if i["path"].endswith("hostile-wsd.pcap")]
    assert dict(summary["skip_reasons"]) == {"WS-Discovery XML in an unreadable encoding": 3}
