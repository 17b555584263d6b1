"""A UTF-8 byte-order mark (an editor's, or a Windows tool's) at the start of a log file lost its
first line (issue 12, row 17): every line reader now drops it, so each file reads the same with
or without one, plain or gzip-compressed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.registry import READERS

from .helpers import DATA

LOGS = DATA / "logs"
BOM = b"\xef\xbb\xbf"


def read_all(path: Path, fmt: str) -> tuple[list, ReadStats]:
    stats = ReadStats()
    items = list(READERS[fmt](path, path.name, stats, SourceOptions()))
    return sorted(repr((type(i).__name__, getattr(i, "subject", None), getattr(i, "field", None),
                        getattr(i, "text", None), getattr(i, "remote", None))) for i in items), stats  # fmt: skip


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("eve_formats.json", "suricata-eve"),
        ("zeek_features.log", "zeek"),
        ("masscan.ndjson", "masscan"),
        ("zgrab2.json", "zgrab2"),
        ("shodan.json", "shodan"),
        ("censys.json", "censys"),
        ("dhcpd.leases", "dhcpd-leases"),
        ("dnsmasq.leases", "dnsmasq"),
        ("kea-leases4.csv", "kea-leases"),
    ],
)
def test_a_byte_order_mark_changes_nothing(tmp_path: Path, name: str, fmt: str) -> None:
    plain = LOGS / name
    marked = tmp_path / name
    marked.write_bytes(BOM + plain.read_bytes())
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(marked.read_bytes()))
    expected, expected_stats = read_all(plain, fmt)
    assert expected  # the file gives something to compare
    for path in (marked, packed):
        assert detect_format(path, path.name) == fmt
        got, stats = read_all(path, fmt)
        assert got == expected, path.name
        assert (stats.records, stats.skipped) == (expected_stats.records, expected_stats.skipped), path.name
