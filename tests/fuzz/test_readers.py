"""Fuzz targets for every reader: mutated files of each format, read from disk as a user's file
is, and the same bytes forced into every other reader. The contract checked on each example:

- nothing escapes but custodiet's InputError, and it names the file;
- no packet parser fails in a way it should have turned into its own error (PARSER_FAILURE);
- the counts agree with what was yielded (observations, contacts).

Budget: tests/fuzz/budget.py (CUSTODIET_FUZZ_EXAMPLES; `make fuzz` for a long run)."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.sources.test_linear import _replies as replies_file

from custodiet.errors import InputError
from custodiet.model import Contact
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.pcap.capture import PARSER_FAILURE
from custodiet.sources.registry import READERS

from .budget import budget
from .strategies import HOSTILE, inputs, seed

FOLDER = Path(tempfile.mkdtemp(prefix="custodiet-fuzz-"))

SEEDS: dict[str, list[bytes]] = {
    "nmap-xml": seed("tests/sources/data/nmap_scripts.xml", "examples/sample-network.xml")
    + [p.read_bytes() for p in HOSTILE.glob("nmap-*.xml")],
    "csv": seed("tests/sources/data/inventory.csv", "tests/sources/data/inventory_semicolon.csv", "examples/inventory.csv")
    + [p.read_bytes() for p in HOSTILE.glob("csv-*")],
    "pcap": [p.read_bytes() for p in HOSTILE.glob("*.pcap")],
    "pcapng": [p.read_bytes() for p in HOSTILE.glob("*.pcapng")],
    "zeek": seed("tests/sources/data/logs/zeek_features.log"),
    "suricata-eve": seed("tests/sources/data/logs/eve_formats.json"),
    "masscan": seed("tests/sources/data/logs/masscan.json", "tests/sources/data/logs/masscan.ndjson"),
    "zgrab2": seed("tests/sources/data/logs/zgrab2.json"),
    "shodan": seed("tests/sources/data/logs/shodan.json"),
    "censys": seed("tests/sources/data/logs/censys.json"),
    "dhcpd-leases": seed("tests/sources/data/logs/dhcpd.leases"),
    "dnsmasq": seed("tests/sources/data/logs/dnsmasq.leases", "tests/sources/data/logs/dnsmasq-syslog.log"),
    "kea-leases": seed("tests/sources/data/logs/kea-leases4.csv", "tests/sources/data/logs/kea-leases6.csv"),
}  # fmt: skip
SEEDS["scan-replies"] = [replies_file(3)]
# A pcapng seed of good traffic: the pcap seeds' packets framed as pcapng by the corpus builder.
SEEDS["pcapng"] += [
    (HOSTILE / "pcapng-bad-block-length.pcapng")
    .read_bytes()
    .replace(b"\x0d\x00\x00\x00", b"\x10\x00\x00\x00", 1)
]


def read(fmt: str, data: bytes, name: str = "fuzzed") -> tuple[list, ReadStats]:
    """Read `data` as a file of format `fmt`, checking the contract above."""
    path = FOLDER / name
    path.write_bytes(data)
    stats = ReadStats()
    items: list = []
    try:
        items.extend(READERS[fmt](path, name, stats, SourceOptions()))
    except InputError as exc:
        assert exc.file == name, exc
    contacts = sum(1 for i in items if isinstance(i, Contact))
    assert stats.contacts == contacts, (fmt, stats)
    assert stats.observations == len(items) - contacts, (fmt, stats)
    assert not [r for r in stats.skipped if r.startswith(PARSER_FAILURE)], stats.skipped
    return items, stats


def strict(fmt: str, data: bytes, name: str = "fuzzed-strict") -> None:
    """Strict mode: the same contract, an InputError at the first problem."""
    path = FOLDER / name
    path.write_bytes(data)
    try:
        list(READERS[fmt](path, name, ReadStats(), SourceOptions(strict=True)))
    except InputError as exc:
        assert exc.file == name, exc


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_reader(fmt: str) -> None:
    @budget()
    @given(inputs(SEEDS[fmt]))
    def run(data: bytes) -> None:
        read(fmt, data)
        strict(fmt, data)

    run()


@budget(0.5)
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_any_file_in_any_reader(source: str, data: st.DataObject) -> None:
    """A file of one format forced into another reader (--format): errors, never crashes."""
    payload = data.draw(inputs(SEEDS[source]))
    target = data.draw(st.sampled_from(sorted(READERS)))
    read(target, payload)


@budget(0.5)
@given(st.sampled_from(["zeek", "suricata-eve", "masscan", "shodan", "dnsmasq"]), st.data())
def test_gzip_compressed_logs(fmt: str, data: st.DataObject) -> None:
    """The log readers read gzip themselves: damaged compressed streams too."""
    packed = bytearray(gzip.compress(data.draw(inputs(SEEDS[fmt]))))
    for _ in range(data.draw(st.integers(0, 3))):
        packed[data.draw(st.integers(0, len(packed) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(2, len(packed)))
    read(fmt, bytes(packed[:cut]), "fuzzed.gz")


@budget()
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_detection(source: str, data: st.DataObject) -> None:
    """Format detection on any head: a known format name or an InputError, never a crash."""
    payload = data.draw(inputs(SEEDS[source]))
    path = FOLDER / "detect"
    path.write_bytes(payload)
    try:
        fmt = detect_format(path, "detect")
    except InputError as exc:
        assert exc.file == "detect"
        return
    assert fmt in READERS
