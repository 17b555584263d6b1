"""Every reader is linear in its input (issue 12): four times the records take about four times
the CPU time, never sixteen (see growth.py for why a ratio, not an absolute time). The inputs are
many distinct hosts (a table or a list scanned per host is what turns quadratic), made from
each format's test data with the addresses renumbered per copy."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from tests.bench_modules import bench_module

from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.registry import READERS

from .growth import assert_linear
from .helpers import DATA
from .pcap.craft import MAC_A, MAC_B, REQUEST, RESPONSE, epb, http_exchange, idb, shb, write_pcap

LOGS = DATA / "logs"
_PREFIXES = re.compile(rb"\b(?:192\.0\.2|192\.168\.(?:50|60|70))\.")


def renumbered(text: bytes, copy: int) -> bytes:
    """The seed with its documentation addresses moved to a /24 of its own per copy."""
    return _PREFIXES.sub(b"10.%d.%d." % (copy >> 8, copy & 255), text)


def copies(seed: bytes, n: int, head: bytes = b"") -> bytes:
    return head + b"".join(renumbered(seed, k) for k in range(n))


def ip(i: int) -> str:
    return f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}"


def _nmap(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        bench_module("gen_nmap").write_nmap_xml(handle, n, seed=1, mix="mixed")


def _frames(n: int) -> list[bytes]:
    frames: list[bytes] = []
    for i in range(n):
        frames += http_exchange(
            ip(2 * i + 1), ip(2 * i + 2), REQUEST, RESPONSE, 40000 + i % 20000, 80, MAC_A, MAC_B
        )
    return frames


def _replies(n: int) -> bytes:
    """A `custodiet scan` replies file: a header record, then per host an HTTP, a TLS-less banner
    and an RTSP reply."""
    from custodiet.model.probe import HEADER_KEY, ProbeRecord

    lines = [orjson.dumps({HEADER_KEY: 1, "targets": ["10.0.0.0/8"]})]
    replies = (("http", 80, RESPONSE), ("ssh", 22, b"SSH-2.0-dropbear_2019.78\r\n"),
               ("rtsp", 554, b"RTSP/1.0 401 Unauthorized\r\nServer: Rtsp Server/3.0\r\n\r\n"))  # fmt: skip
    for i in range(n):
        for protocol, port, reply in replies:
            record = ProbeRecord(target=ip(i), port=port, transport="tcp", protocol=protocol, request=b"",
                                 reply=reply, time="2026-12-07T00:00:00Z")  # fmt: skip
            lines.append(orjson.dumps(record.to_json()))
    return b"\n".join(lines) + b"\n"


def _kea(n: int) -> bytes:
    lines = (LOGS / "kea-leases4.csv").read_bytes().split(b"\n")
    return copies(b"\n".join(lines[1:]).strip() + b"\n", n, lines[0] + b"\n")


WRITERS = {
    "nmap-xml": (lambda p, n: _nmap(p, n), 150),
    "csv": (lambda p, n: p.write_text("ip,mac,hostname,vendor\n" + "".join(f"{ip(i)},02:00:5e:{i >> 16:02x}:{(i >> 8) & 255:02x}:{i & 255:02x},h{i},Acme\n" for i in range(n))), 2500),
    "pcap": (lambda p, n: write_pcap(p, _frames(n)), 250),
    "pcapng": (lambda p, n: p.write_bytes(shb() + idb() + b"".join(epb(f, i) for i, f in enumerate(_frames(n)))), 250),
    "zeek": (lambda p, n: p.write_bytes(copies((LOGS / "zeek_features.log").read_bytes(), n)), 60),
    "suricata-eve": (lambda p, n: p.write_bytes(copies((LOGS / "eve_formats.json").read_bytes(), n)), 60),
    "masscan": (lambda p, n: p.write_bytes(copies((LOGS / "masscan.ndjson").read_bytes(), n)), 1500),
    "zgrab2": (lambda p, n: p.write_bytes(copies((LOGS / "zgrab2.json").read_bytes(), n)), 300),
    "shodan": (lambda p, n: p.write_bytes(copies((LOGS / "shodan.json").read_bytes(), n)), 150),
    "censys": (lambda p, n: p.write_bytes(copies((LOGS / "censys.json").read_bytes(), n)), 200),
    "dhcpd-leases": (lambda p, n: p.write_bytes(copies((LOGS / "dhcpd.leases").read_bytes(), n)), 150),
    "dnsmasq": (lambda p, n: p.write_bytes(copies((LOGS / "dnsmasq-syslog.log").read_bytes(), n)), 300),
    "kea-leases": (lambda p, n: p.write_bytes(_kea(n)), 500),
    "scan-replies": (lambda p, n: p.write_bytes(_replies(n)), 300),
}  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_reader_time_grows_linearly(tmp_path: Path, fmt: str) -> None:
    write, small = WRITERS[fmt]

    def make(n: int):  # type: ignore[no-untyped-def]
        path = tmp_path / f"{n}.{fmt}"
        write(path, n)
        reader = READERS[fmt]

        def work() -> int:
            stats = ReadStats()
            count = sum(1 for _ in reader(path, path.name, stats, SourceOptions()))
            assert count and stats.records, (fmt, stats)  # the input is read, not refused
            return count

        return work

    assert_linear(make, small, repeat=2)


def test_all_readers_are_covered() -> None:
    assert set(WRITERS) == set(READERS)
