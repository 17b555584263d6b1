"""Hostile payloads inside otherwise good captures (issue 12): the capture is read to its end, the
good traffic beside them is kept, and nothing loops or raises."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .craft import REQUEST, RESPONSE, http_exchange, write_pcap
from .helpers import facts, run

CAMERA = "10.0.0.64"
OTHER = "10.0.0.65"
CLIENT = "10.0.0.5"


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a reader that loops forever must make the test fail)."""

    def expired(_signum, _frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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
