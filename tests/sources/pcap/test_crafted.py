"""The capture reader on handwritten captures: every link type and file variant, reassembly,
who the subject is, MAC bindings, and what each extractor emits."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from custodiet.sources.pcap import capture, sniff

from .craft import (
    MAC_A,
    MAC_B,
    MAC_R,
    REQUEST,
    RESPONSE,
    arp_reply,
    epb,
    eth,
    http_exchange,
    idb,
    ip,
    shb,
    spb,
    tcp,
    write_pcap,
)  # fmt: skip
from .helpers import contact_keys, facts, run

CAMERA = "10.0.0.64"
CLIENT = "10.0.0.5"

EXPECTED_HTTP = {
    ("http.server", "App-webs/", "80/tcp"),
    ("http.www_authenticate", 'Digest realm="abc", nonce="1"', "80/tcp"),
    ("http.cookie", "lang=en", "80/tcp"),
    ("http.title", "Login page", "80/tcp"),
    ("http.body", "<html><title> Login  page </title></html>\r\n\r\n", "80/tcp"),
    ("http.headers", RESPONSE.split(b"\r\n\r\n")[0].decode(), "80/tcp"),
    ("mac", "44:A6:42:5B:10:20", None),
}


def test_http_exchange_on_ethernet(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "http.pcap", http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE))
    observations, contacts, stats = run(path)
    assert stats.records == 6 and not stats.skipped
    assert facts(observations, CAMERA) == EXPECTED_HTTP
    camera = next(o for o in observations if o.field == "http.server")
    assert camera.subject.mac == "44:A6:42:5B:10:20"
    assert camera.provenance.place == "packet 4"
    assert camera.provenance.file == "http.pcap"
    assert facts(observations, CLIENT) == {("mac", "02:00:00:00:00:AA", None)}
    http = [c for c in contacts if c.kind == "http"]
    assert [(c.subject.address, c.remote, c.name, c.port) for c in http] == [
        (CLIENT, CAMERA, "camera.example", "80/tcp")
    ]
    (flow,) = [c for c in contacts if c.kind == "flow"]
    assert (flow.subject.address, flow.subject.mac, flow.remote, flow.port) == (
        CLIENT,
        "02:00:00:00:00:AA",
        CAMERA,
        "80/tcp",
    )
    assert flow.count == 6
    frames = http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)
    assert flow.bytes_out == sum(len(f) for f in frames[0::2])
    assert flow.bytes_in == sum(len(f) for f in frames[1::2])
    assert flow.first_seen == "2023-11-14T22:13:20.000000Z"
    assert flow.last_seen == "2023-11-14T22:13:20.005000Z"
    assert flow.provenance.place == "packet 1"


def _strip_link(frames: list[bytes]) -> list[bytes]:
    return [f[14:] for f in frames]


@pytest.mark.parametrize(
    ("linktype", "wrap", "macs"),
    [
        (101, lambda f, out: f, False),  # raw IP
        (12, lambda f, out: f, False),
        (228, lambda f, out: f, False),
        (0, lambda f, out: struct.pack("<I", 2) + f, False),  # BSD null, little-endian host
        (0, lambda f, out: struct.pack(">I", 2) + f, False),  # BSD null, big-endian host
        (108, lambda f, out: struct.pack(">I", 2) + f, False),  # OpenBSD loop
        (113, lambda f, out: struct.pack("!HHH", 4 if out else 0, 1, 6) + (MAC_A if out else MAC_B) + b"\0\0" + b"\x08\x00" + f, True),
        (276, lambda f, out: b"\x08\x00\x00\x00" + struct.pack("!IHBB", 2, 1, 4 if out else 0, 6) + (MAC_A if out else MAC_B) + b"\0\0" + f, True),
    ],
)  # fmt: skip
def test_link_types(tmp_path: Path, linktype: int, wrap, macs: bool) -> None:
    frames = _strip_link(http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE))
    wrapped = [wrap(f, i % 2 == 0) for i, f in enumerate(frames)]
    observations, contacts, stats = run(write_pcap(tmp_path / "l.pcap", wrapped, linktype=linktype))
    assert not stats.skipped
    expected = EXPECTED_HTTP if macs else {f for f in EXPECTED_HTTP if f[0] != "mac"}
    assert facts(observations, CAMERA) == expected
    assert contact_keys(contacts, "http") == {("http", CLIENT, CAMERA, "camera.example", "80/tcp")}


def test_vlan_and_qinq(tmp_path: Path) -> None:
    frames = http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)
    tagged = [eth(f[14:], f[6:12], f[:6], vlans=(10,)) for f in frames[:3]]
    tagged += [eth(f[14:], f[6:12], f[:6], vlans=(100, 10)) for f in frames[3:]]
    observations, _contacts, stats = run(write_pcap(tmp_path / "vlan.pcap", tagged))
    assert not stats.skipped
    assert facts(observations, CAMERA) == EXPECTED_HTTP


def test_ipv6(tmp_path: Path) -> None:
    frames = http_exchange("fd00::5", "fd00::64", REQUEST, RESPONSE)
    observations, contacts, stats = run(write_pcap(tmp_path / "v6.pcap", frames))
    assert not stats.skipped
    assert facts(observations, "fd00::64") == EXPECTED_HTTP
    assert contact_keys(contacts, "flow") == {("flow", "fd00::5", "fd00::64", None, "80/tcp")}


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("nano", [False, True])
def test_pcap_variants(tmp_path: Path, big: bool, nano: bool) -> None:
    path = write_pcap(
        tmp_path / "v.pcap", http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE), nano=nano, big=big
    )
    assert sniff(path.read_bytes()[:64]) == "pcap"
    observations, contacts, _ = run(path)
    assert facts(observations, CAMERA) == EXPECTED_HTTP
    flow = next(c for c in contacts if c.kind == "flow")
    assert flow.last_seen == "2023-11-14T22:13:20.005000Z"


@pytest.mark.parametrize("big", [False, True])
def test_pcapng_sections_interfaces_and_resolution(tmp_path: Path, big: bool) -> None:
    frames = http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)
    raw = _strip_link(frames)
    data = shb(big) + idb(1, big) + idb(101, big, tsresol=9)  # Ethernet in microseconds, raw IP in ns
    data += epb(frames[0], 1_700_000_000_000_000, 0, big) + epb(raw[1], 1_700_000_000_001_000_000, 1, big)
    data += shb(not big) + idb(1, not big)  # a second section, the other byte order
    for i, frame in enumerate(frames[2:], start=2):
        data += epb(frame, 1_700_000_000_000_000 + i * 1000, 0, not big)
    path = tmp_path / "t.pcapng"
    path.write_bytes(data)
    assert sniff(data[:64]) == "pcapng"
    observations, contacts, stats = run(path)
    assert not stats.skipped
    assert stats.records == 6
    assert facts(observations, CAMERA) == EXPECTED_HTTP
    flow = next(c for c in contacts if c.kind == "flow")
    assert flow.first_seen == "2023-11-14T22:13:20.000000Z"
    assert flow.last_seen == "2023-11-14T22:13:20.005000Z"


def test_pcapng_simple_packet_blocks(tmp_path: Path) -> None:
    frames = http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)
    path = tmp_path / "spb.pcapng"
    path.write_bytes(shb() + idb(1) + b"".join(spb(f) for f in frames))
    observations, _contacts, stats = run(path)
    assert stats.records == 6
    assert facts(observations, CAMERA) == EXPECTED_HTTP


def test_reassembly_out_of_order_and_retransmitted(tmp_path: Path) -> None:
    """The response in three segments, sent 2, 1, 1 (again), 3 (overlapping 2): read in order."""
    c, s = 1000, 5000
    pieces = [RESPONSE[:30], RESPONSE[30:90], RESPONSE[90:]]
    out = [
        eth(ip(CLIENT, CAMERA, tcp(40000, 80, c, 0x02))),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s, 0x12)), MAC_B, MAC_A),
        eth(ip(CLIENT, CAMERA, tcp(40000, 80, c + 1, 0x18, REQUEST))),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s + 31, 0x18, pieces[1])), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s + 1, 0x18, pieces[0])), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s + 1, 0x18, pieces[0])), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s + 81, 0x18, RESPONSE[80:])), MAC_B, MAC_A),
    ]
    observations, _contacts, stats = run(write_pcap(tmp_path / "ooo.pcap", out))
    assert not stats.skipped
    assert facts(observations, CAMERA) == EXPECTED_HTTP
    server = next(o for o in observations if o.field == "http.server")
    assert server.provenance.place == "packet 5"  # the segment that starts the response


def test_sequence_numbers_wrap(tmp_path: Path) -> None:
    s = 0xFFFFFFF0
    out = [
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s, 0x12)), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, s + 1, 0x18, RESPONSE[:40])), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, (s + 41) & 0xFFFFFFFF, 0x18, RESPONSE[40:])), MAC_B, MAC_A),
    ]
    observations, _contacts, _stats = run(write_pcap(tmp_path / "wrap.pcap", out))
    assert ("http.title", "Login page", "80/tcp") in facts(observations, CAMERA)


def test_mid_stream_capture_finds_the_server_by_port(tmp_path: Path) -> None:
    """No handshake seen: the side on the service port is the server, the other the device."""
    frames = http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)[3:4]  # the response alone
    observations, contacts, _ = run(write_pcap(tmp_path / "mid.pcap", frames))
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    assert contact_keys(contacts, "flow") == {("flow", CLIENT, CAMERA, None, "80/tcp")}


def test_remote_server_texts_are_not_devices(tmp_path: Path) -> None:
    """A web server on the internet answering a local client is not a device of the network; the
    client's contact with it is kept."""
    frames = http_exchange(CLIENT, "93.184.216.34", REQUEST, RESPONSE, dst_mac=MAC_R)
    observations, contacts, stats = run(write_pcap(tmp_path / "remote.pcap", frames))
    assert stats.skipped == {"text from a remote server (not a local device)": 1}
    assert not [o for o in observations if o.subject.address == "93.184.216.34"]
    assert contact_keys(contacts) == {
        ("http", CLIENT, "93.184.216.34", "camera.example", "80/tcp"),
        ("flow", CLIENT, "93.184.216.34", None, "80/tcp"),
    }
    # The router's MAC sits on the remote server's frames: it is never attached to it.
    assert all(c.subject.mac == "02:00:00:00:00:AA" for c in contacts)


def test_inbound_connection_from_the_internet(tmp_path: Path) -> None:
    """A remote client reaching a local camera: the camera is the device, the port is its own."""
    frames = http_exchange("198.51.100.7", CAMERA, REQUEST, RESPONSE, src_mac=MAC_R)
    observations, contacts, _ = run(write_pcap(tmp_path / "in.pcap", frames))
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    (flow,) = [c for c in contacts if c.kind == "flow"]
    assert (flow.subject.address, flow.remote, flow.port) == (CAMERA, "198.51.100.7", "80/tcp")
    assert flow.bytes_out > flow.bytes_in  # the camera sent the larger half
    assert not [c for c in contacts if c.kind == "http"]  # the remote client's Host is not ours


def test_a_router_mac_is_not_attached(tmp_path: Path) -> None:
    """Frames from two local subnets' hosts leave the router with its MAC: neither gets it, while
    an ARP reply binds the router's own address to it."""
    a = http_exchange("10.1.0.5", "10.0.0.64", REQUEST, RESPONSE, src_mac=MAC_R)
    b = http_exchange("10.2.0.9", "10.0.0.64", REQUEST, RESPONSE, src_mac=MAC_R, sport=40001)
    frames = [arp_reply(MAC_R, "10.0.0.1", MAC_B, CAMERA), *a, *b]
    observations, contacts, _ = run(write_pcap(tmp_path / "router.pcap", frames))
    macs = {(o.subject.address, o.text) for o in observations if o.field == "mac"}
    assert macs == {("10.0.0.1", "00:00:5E:00:01:01"), (CAMERA, "44:A6:42:5B:10:20")}
    assert {c.subject.mac for c in contacts if c.kind == "flow"} == {None}


def test_arp_beats_frame_sources(tmp_path: Path) -> None:
    """A host answering ARP with its own MAC, whose frames leave through another interface."""
    frames = [arp_reply(MAC_A, CLIENT), *http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE, src_mac=MAC_R)]
    observations, _contacts, _ = run(write_pcap(tmp_path / "arp.pcap", frames))
    macs = {(o.subject.address, o.text) for o in observations if o.field == "mac"}
    assert (CLIENT, "02:00:00:00:00:AA") in macs


def test_connection_table_eviction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "MAX_CONNECTIONS", 4)
    monkeypatch.setattr(capture, "MAX_AGGREGATES", 3)
    frames = []
    for n in range(10):
        frames += http_exchange(CLIENT, f"10.0.1.{n + 1}", REQUEST, RESPONSE, sport=41000 + n)
    observations, contacts, stats = run(write_pcap(tmp_path / "evict.pcap", frames))
    assert stats.skipped["connection evicted (table full)"] >= 6
    assert stats.skipped["contact emitted early (table full)"] >= 7
    assert contact_keys(contacts, "flow") == {
        ("flow", CLIENT, f"10.0.1.{n + 1}", None, "80/tcp") for n in range(10)
    }
    assert sum(c.count for c in contacts if c.kind == "flow") == 60
    assert {o.subject.address for o in observations if o.field == "http.server"} == {
        f"10.0.1.{n + 1}" for n in range(10)
    }
