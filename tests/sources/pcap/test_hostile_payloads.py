"""Hostile payloads inside otherwise good captures (issue 12): the capture is read to its end, the
good traffic beside them is kept, and nothing loops or raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import deadline
from .craft import REQUEST, RESPONSE, http_exchange, write_pcap
from .helpers import facts, run

CAMERA = "10.0.0.64"
OTHER = "10.0.0.65"
CLIENT = "10.0.0.5"


@pytest.mark.parametrize("size", [b"-6", b"-4", b"+6", b"0x6", b"6_0", b"\xd9\xa6"])
def test_chunk_sizes_that_are_not_hex_digits(tmp_path: Path, size: bytes) -> None:
    """int(x, 16) takes "-6": a negative chunk size sent the de-chunker backwards forever."""
    hostile = b"HTTP/1.1 200 OK\r\nServer: Evil/1\r\nTransfer-Encoding: chunked\r\n\r\n" + size + b"\r\nab"
    frames = http_exchange(CLIENT, OTHER, REQUEST, hostile, sport=40001) + http_exchange(
        CLIENT, CAMERA, REQUEST, RESPONSE
    )
    with deadline(20):
        observations, _contacts, stats = run(write_pcap(tmp_path / "chunked.pcap", frames))
    assert ("http.server", "Evil/1", "80/tcp") in facts(observations, OTHER)
    assert not [f for f in facts(observations, OTHER) if f[0] == "http.body"]
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)
    assert stats.records == 12 and not stats.skipped


def test_a_parser_bug_costs_one_connection_not_the_capture(tmp_path: Path, monkeypatch) -> None:
    """Should a parser still raise something other than its own error (a bug we have not found),
    the capture goes on: the connection is dropped and the reason names the exception type.
    (The one place where a fault is injected: a real one is fixed as soon as it is found.)"""
    from custodiet.sources.pcap import capture, http

    real = http.response

    def buggy(data: bytes):  # type: ignore[no-untyped-def]
        if b"Evil/1" in data:
            raise KeyError("bug")
        return real(data)

    monkeypatch.setattr(http, "response", buggy)
    hostile = b"HTTP/1.1 200 OK\r\nServer: Evil/1\r\nContent-Length: 0\r\n\r\n"
    frames = http_exchange(CLIENT, OTHER, REQUEST, hostile, sport=40001) + http_exchange(
        CLIENT, CAMERA, REQUEST, RESPONSE
    )
    observations, _contacts, stats = run(write_pcap(tmp_path / "bug.pcap", frames))
    assert stats.skipped == {f"{capture.PARSER_FAILURE} (TCP, KeyError)": 1}
    assert ("http.server", "App-webs/", "80/tcp") in facts(observations, CAMERA)


def test_out_of_order_segments_past_the_queue_are_counted(tmp_path: Path) -> None:
    """A sender (or an attacker) can hold back the first segment and send 70 later ones: the
    queue keeps 64, the others were dropped without a trace; they are now counted."""
    from custodiet.sources.pcap.capture import OUT_OF_ORDER_DROPPED
    from custodiet.sources.pcap.flows import MAX_PENDING

    from .craft import MAC_A, MAC_B, eth, ip, tcp

    body = b"HTTP/1.1 200 OK\r\nServer: Late/1\r\nContent-Length: 200\r\n\r\n" + b"x" * 200
    head, rest = body[:60], body[60:]
    frames = http_exchange(CLIENT, CAMERA, REQUEST, b"")[:3]
    server = 5001  # the server's first data byte (the handshake's ISN 5000 + 1)
    later = [eth(ip(CAMERA, CLIENT, tcp(80, 40000, server + 60 + i, 0x18, rest[i : i + 1])), MAC_B, MAC_A)
             for i in range(70)]  # fmt: skip
    first = eth(ip(CAMERA, CLIENT, tcp(80, 40000, server, 0x18, head)), MAC_B, MAC_A)
    observations, _contacts, stats = run(write_pcap(tmp_path / "ooo.pcap", [*frames, *later, first]))
    assert stats.skipped == {OUT_OF_ORDER_DROPPED: 70 - MAX_PENDING}
    assert ("http.server", "Late/1", "80/tcp") in facts(observations, CAMERA)
