"""End to end on a capture file read by the real pcap source: a camera resolves Dahua's P2P server,
then exchanges UDP with the address the answer gave; another flow goes to a network in China.

The capture is written here, packet by packet, with dpkt (a libpcap file as tcpdump writes it):
no traffic is sent anywhere, and the test needs no capture privileges."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

dpkt = pytest.importorskip("dpkt")
pcap_source = pytest.importorskip("custodiet.sources.pcap")

from custodiet.pipeline.audit import AuditRequest, audit, load_report  # noqa: E402
from custodiet.pipeline.context import load_context  # noqa: E402
from custodiet.sources import registry  # noqa: E402

CAMERA_MAC = bytes.fromhex("020000000009")
ROUTER_MAC = bytes.fromhex("020000000001")
CAMERA, RESOLVER, P2P, ALIDNS = "10.0.0.9", "10.0.0.1", "47.91.1.2", "223.5.5.5"


def _frame(
    src_mac: bytes, dst_mac: bytes, src: str, dst: str, sport: int, dport: int, payload: bytes
) -> bytes:
    udp = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    udp.ulen = len(udp)
    ip = dpkt.ip.IP(src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=dpkt.ip.IP_PROTO_UDP, data=udp)
    ip.len = len(ip)
    return bytes(dpkt.ethernet.Ethernet(src=src_mac, dst=dst_mac, type=dpkt.ethernet.ETH_TYPE_IP, data=ip))


def _dns(answer: bool) -> bytes:
    msg = dpkt.dns.DNS(id=0x1234, qd=[dpkt.dns.DNS.Q(name="www.easy4ipcloud.com", type=dpkt.dns.DNS_A)])
    if answer:
        msg.qr = dpkt.dns.DNS_R
        msg.an = [
            dpkt.dns.DNS.RR(
                name="www.easy4ipcloud.com", type=dpkt.dns.DNS_A, ttl=60, ip=socket.inet_aton(P2P)
            )
        ]
    return bytes(msg)


def write_capture(path: Path) -> None:
    frames = [
        _frame(CAMERA_MAC, ROUTER_MAC, CAMERA, RESOLVER, 40000, 53, _dns(False)),
        _frame(ROUTER_MAC, CAMERA_MAC, RESOLVER, CAMERA, 53, 40000, _dns(True)),
        _frame(CAMERA_MAC, ROUTER_MAC, CAMERA, P2P, 40001, 8800, b"\x00" * 40),
        _frame(ROUTER_MAC, CAMERA_MAC, P2P, CAMERA, 8800, 40001, b"\x01" * 60),
        _frame(CAMERA_MAC, ROUTER_MAC, CAMERA, P2P, 40001, 8800, b"\x00" * 40),
        _frame(CAMERA_MAC, ROUTER_MAC, CAMERA, ALIDNS, 40002, 443, b"\x02" * 30),
    ]
    with path.open("wb") as handle:
        writer = dpkt.pcap.Writer(handle)
        for i, frame in enumerate(frames):
            writer.writepkt(frame, ts=1767225600 + i)


def test_a_capture_shows_the_camera_phoning_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "pcap" not in registry.READERS:
        monkeypatch.setitem(registry.READERS, "pcap", pcap_source.read)
    capture = tmp_path / "camera.pcap"
    write_capture(capture)
    result = audit(AuditRequest(paths=(capture,), db=tmp_path / "db", format="pcap"), load_context())
    assert result.errors == []
    camera = next(d for d in load_report(tmp_path / "db", result.run_id).devices if CAMERA in d.addresses)
    assert camera.identity.manufacturer == "Dahua"
    assert any(e.field == "contact.name" for e in camera.identity.evidence)
    facts = [f for f in load_report(tmp_path / "db", result.run_id).phone_home if f.device == camera.id]
    p2p = next(f for f in facts if f.endpoint == "www.easy4ipcloud.com")
    assert (p2p.owner, p2p.role, p2p.confidence) == ("Dahua", "P2P (device-side)", "high")
    assert p2p.bytes_out >= 80 and p2p.bytes_in >= 60  # the UDP exchange, joined through the DNS answer
    assert all(e.file == str(capture) and e.place for e in p2p.evidence)
    foreign = [(f.endpoint, f.country) for f in facts if f.role == "foreign network"]
    assert foreign == [(ALIDNS, "CN")]
