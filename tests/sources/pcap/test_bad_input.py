"""Bad captures: every fault is skipped with a count per reason (strict mode: an InputError naming
the packet), a truncated file ends the reading without an error, and nothing crashes."""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model import Observation
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.pcap import read

from .craft import (
    MAC_A,
    MAC_B,
    REQUEST,
    RESPONSE,
    epb,
    eth,
    http_exchange,
    idb,
    ip,
    shb,
    tcp,
    udp,
    write_pcap,
)
from .helpers import facts, run

CAMERA = "10.0.0.64"
CLIENT = "10.0.0.5"


def exchange() -> list[bytes]:
    return http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)


def test_wrong_magic_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.pcap"
    path.write_bytes(b"This is not a capture at all, just text.\n")
    with pytest.raises(InputError) as caught:
        run(path)
    assert caught.value.file == "notes.pcap"
    assert "not a pcap or pcapng capture" in str(caught.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pcap"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.pcap"):
        run(path)


@pytest.mark.parametrize("cut", [10, 23])
def test_header_cut_short_is_a_truncated_capture(tmp_path: Path, cut: int) -> None:
    path = write_pcap(tmp_path / "h.pcap", exchange())
    path.write_bytes(path.read_bytes()[:cut])
    observations, contacts, stats = run(path)
    assert (observations, contacts) == ([], [])
    assert stats.skipped == {"truncated capture": 1}


@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_truncated_capture_keeps_what_came_before(tmp_path: Path, kind: str) -> None:
    frames = exchange()
    path = tmp_path / f"t.{kind}"
    if kind == "pcap":
        write_pcap(path, frames)
    else:
        path.write_bytes(
            shb() + idb() + b"".join(epb(f, 1_700_000_000_000_000 + i) for i, f in enumerate(frames))
        )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 30])  # the last record loses its end
    observations, _contacts, stats = run(path)
    assert stats.skipped == {"truncated capture": 1}
    assert stats.records == 5
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    # Strict: the same observations come out, then the error names the packet that was cut.
    got: list = []
    with pytest.raises(InputError) as caught:
        got.extend(read(path, path.name, ReadStats(), SourceOptions(strict=True)))
    assert caught.value.place == "packet 6" and caught.value.message == "truncated capture"
    assert {o.text for o in got if isinstance(o, Observation)} >= {"App-webs/"}


def test_unknown_link_type(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "u.pcap", exchange(), linktype=147)
    observations, contacts, stats = run(path)
    assert (observations, contacts) == ([], [])
    assert stats.skipped == {"unsupported link type 147": 6}
    with pytest.raises(InputError) as caught:
        run(path, strict=True)
    assert (caught.value.place, caught.value.message) == ("packet 1", "unsupported link type 147")


def test_snaplen_cut_packets(tmp_path: Path) -> None:
    """tcpdump -s 96: the response's head is cut (what is there is read), a DNS answer is cut."""
    frames = exchange()
    dns = b"\x00\x07\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + b"\x05cloud\x07example\x00\x00\x01\x00\x01"
    dns += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01"
    frames.append(eth(ip("10.0.0.53", CLIENT, udp(53, 40000, dns)), MAC_B, MAC_A))
    observations, _contacts, stats = run(write_pcap(tmp_path / "snap.pcap", frames, caplens={3: 100, 6: 60}))
    assert stats.skipped == {"TCP stream cut by snaplen": 1, "UDP payload cut by snaplen": 1}
    assert facts(observations, CAMERA) == {
        ("http.headers", "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/", "80/tcp"),
        ("http.server", "App-webs/", "80/tcp"),
    }
    # Cut inside a header line: the part of the line is not taken as its value.
    observations, _contacts, _stats = run(write_pcap(tmp_path / "snap2.pcap", frames[:6], caplens={3: 96}))
    assert facts(observations, CAMERA) == {
        ("http.headers", "HTTP/1.1 401 Unauthorized", "80/tcp"),
        ("mac", "44:A6:42:5B:10:20", None),
    }


def _frame_with(payload: bytes, sport: int, dport: int, proto: str = "udp") -> bytes:
    l4 = udp(sport, dport, payload) if proto == "udp" else tcp(sport, dport, 1, 0x18, payload)
    return eth(ip(CAMERA, CLIENT, l4), MAC_B, MAC_A)


MALFORMED = [
    (
        "malformed DNS",
        _frame_with(b"\x00\x01\x81\x80\x00\x01\x00\x01" + b"\x00" * 4 + b"\x3f" + b"a" * 5, 53, 40000),
    ),
    ("malformed mDNS", _frame_with(b"\x00\x00\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00\xc0\x0c", 5353, 5353)),
    ("malformed DHCP", _frame_with(b"\x01\x01\x06", 68, 67)),
    ("malformed SNMP", _frame_with(b"\x30\x82\xff\xff\x02\x01\x00", 161, 40000)),
    ("malformed SNMP", _frame_with(b"\x30\x0b\x02\x01\x01\x04\x01p\xa2\x03\x02\x01\x05", 161, 40000)),
    ("malformed WS-Discovery XML", _frame_with(b"<Envelope><Hello><Types>x</Types>", 3702, 3702)),
    (
        "malformed WS-Discovery XML",
        _frame_with(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Hello>&a;</Hello>', 3702, 3702),
    ),
    (
        "WS-Discovery XML in an unreadable encoding",
        _frame_with(b'<?xml version="1.0" encoding="x-klingon"?><Hello><Types>x</Types></Hello>', 3702, 3702),
    ),
]


@pytest.mark.parametrize(("reason", "frame"), MALFORMED)
def test_malformed_payloads(tmp_path: Path, reason: str, frame: bytes) -> None:
    path = write_pcap(tmp_path / "m.pcap", [frame, *exchange()])
    observations, _contacts, stats = run(path)
    assert stats.skipped == {reason: 1}
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    with pytest.raises(InputError) as caught:
        run(path, strict=True)
    assert (caught.value.place, caught.value.message) == ("packet 1", reason)


def test_malformed_tls(tmp_path: Path) -> None:
    hello = (
        b"\x16\x03\x01\x00\x27\x01\x00\x00\x23\x03\x03" + b"\x00" * 32 + b"\xff"
    )  # session id past the end
    server_hello = b"\x02\x00\x00\x26\x03\x03" + b"\x00" * 32 + b"\x00\x13\x01\x00"
    flight = server_hello + b"\x0b\x00\x00\x07\x00\x00\x04\x00\x00\x01\x30"  # a 1-byte "certificate"
    cert = b"\x16\x03\x03" + struct.pack("!H", len(flight)) + flight
    frames = [
        eth(ip(CLIENT, CAMERA, tcp(40000, 443, 1, 0x02))),
        eth(ip(CLIENT, CAMERA, tcp(40000, 443, 2, 0x18, hello))),
        eth(ip(CAMERA, CLIENT, tcp(443, 40000, 9, 0x12)), MAC_B, MAC_A),
        eth(ip(CAMERA, CLIENT, tcp(443, 40000, 10, 0x19, cert)), MAC_B, MAC_A),
    ]
    _observations, _contacts, stats = run(write_pcap(tmp_path / "tls.pcap", frames))
    assert stats.skipped == {"malformed TLS ClientHello": 1, "malformed TLS certificate": 1}


@pytest.mark.parametrize(
    ("reason", "mangle"),
    [
        ("frame shorter than its link header", lambda f: f[:10]),
        ("truncated IP header", lambda f: f[:20]),
        ("malformed IP header", lambda f: f[:14] + b"\x55" + f[15:]),
        ("malformed IP header", lambda f: f[:16] + b"\x00\x05" + f[18:]),  # total length < header
        ("truncated TCP header", lambda f: f[:14 + 20 + 2]),
        ("malformed TCP header", lambda f: f[:14 + 32] + b"\xf0" + f[14 + 33 :]),  # data offset 60 > segment
        ("IP fragment (not reassembled)", lambda f: f[:20] + b"\x00\x10" + f[22:]),
    ],
)  # fmt: skip
def test_broken_headers(tmp_path: Path, reason: str, mangle) -> None:
    frames = exchange()
    frames[0] = mangle(frames[0])
    _observations, _contacts, stats = run(write_pcap(tmp_path / "b.pcap", frames))
    assert stats.skipped == {reason: 1}


def test_fragments_are_not_errors_in_strict_mode(tmp_path: Path) -> None:
    frames = exchange()
    frames[4] = frames[4][:20] + b"\x00\x10" + frames[4][22:]
    _observations, _contacts, stats = run(write_pcap(tmp_path / "f.pcap", frames), strict=True)
    assert stats.skipped == {"IP fragment (not reassembled)": 1}


def test_corrupt_record_header(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "c.pcap", exchange())
    data = bytearray(path.read_bytes())
    first = 24 + 16 + len(exchange()[0])
    struct.pack_into("<I", data, first + 8, 0x7FFFFFFF)  # the second record claims 2 GiB
    path.write_bytes(bytes(data))
    _observations, _contacts, stats = run(path)
    assert stats.records == 1
    assert stats.skipped == {"corrupt record header": 1}


def test_pcapng_bad_blocks(tmp_path: Path) -> None:
    frames = exchange()
    data = (
        shb()
        + idb()
        + epb(frames[0], 1)
        + epb(frames[1], 2, iface=3)
        + b"".join(epb(f, 3) for f in frames[2:])
    )
    data += b"\x06\x00\x00\x00\x0d\x00\x00\x00" + b"\x00" * 8  # a block length that is not a multiple of 4
    path = tmp_path / "bad.pcapng"
    path.write_bytes(data)
    _observations, _contacts, stats = run(path)
    assert stats.records == 5
    assert stats.skipped == {"packet on an undeclared interface": 1, "corrupt block header": 1}


def test_a_gigantic_flow_stays_small(tmp_path: Path) -> None:
    """40 MB in one connection: one read of its head, every byte counted, memory flat."""
    head = RESPONSE
    mss = 1448
    segments = 28_000
    base = exchange()[:3]
    template = eth(ip(CAMERA, CLIENT, tcp(80, 40000, 0, 0x10, b"\x00" * mss)), MAC_B, MAC_A)
    frames = [*base, exchange()[3]]
    seq = 5001 + len(head)
    for _ in range(segments):
        frame = bytearray(template)
        struct.pack_into("!I", frame, 14 + 20 + 4, seq & 0xFFFFFFFF)
        frames.append(bytes(frame))
        seq += mss
    path = write_pcap(tmp_path / "big.pcap", frames)
    del frames
    tracemalloc.start()
    try:
        observations, contacts, stats = run(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 << 20, peak  # the file is read in 4 MiB chunks; no stream is kept
    assert path.stat().st_size > 40_000_000
    assert not stats.skipped
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    (flow,) = [c for c in contacts if c.kind == "flow"]
    assert flow.count == segments + 4
    assert flow.bytes_in == sum(len(f) for f in exchange()[1::2][:2]) + segments * len(template)
