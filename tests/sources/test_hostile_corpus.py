"""Replays the hostile-input corpus (tests/sources/hostile/, see its README): every file through
detection (or its forced format) and its reader. Nothing may raise but an InputError naming the
file and a place; each file gives exactly the outcome the README states; and an audit of the
whole corpus beside a good inventory keeps the inventory's devices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.cli.exits import Exit
from custodiet.errors import InputError
from custodiet.model import Contact
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.pcap.capture import PARSER_FAILURE
from custodiet.sources.registry import READERS

HOSTILE = Path(__file__).parent / "hostile"
ROOT = Path(__file__).resolve().parents[2]

# file -> (forced format or None, "error:<place>" or the observations' texts that must be there,
#          skip reasons expected (all of them))
CORPUS: dict[str, tuple[str | None, str | set[str], dict[str, int]]] = {
    "wsd-unknown-encoding.pcap": (None, {"App-webs/"}, {"WS-Discovery XML in an unreadable encoding": 2}),
    "http-negative-chunk-size.pcap": (None, {"Evil/1", "App-webs/"}, {}),
    "http-gzip-bomb.pcap": (None, {"Zip/1", "App-webs/"}, {}),
    "pcap-first-caplen-fffffff0.pcap": (None, "error:byte 24", {"corrupt record header": 1}),
    "pcapng-bad-block-length.pcapng": (None, "error:byte 48", {"corrupt block header": 1}),
    "tcp-out-of-order-flood.pcap": (
        None,
        {"Late/1"},
        {"TCP segment out of order past the 64-segment queue (dropped)": 16},
    ),
    "udp-malformed-protocols.pcap": (
        None,
        {"App-webs/"},
        {"malformed DNS": 1, "malformed mDNS": 1, "malformed SNMP": 1, "malformed DHCP": 1},
    ),
    "nmap-unknown-encoding.xml": (None, "error:line 1", {}),
    "nmap-shift-jis.xml": (None, {"カメラ"}, {}),
    "nmap-utf-7.xml": (None, {"good-before", "good-after"}, {}),
    "nmap-unclosed-nesting.xml": (None, "error:line 5", {}),
    "nmap-comment-full-of-lt.xml": (None, {"good-before", "good-after"}, {}),
    "nmap-billion-laughs.xml": (None, "error:line 2, column 31", {}),
    "nmap-external-entity.xml": (None, "error:line 2, column 58", {}),
    "csv-unterminated-quote.csv": (
        None,
        {"Acme", "Vendor 10", "Vendor 19"},
        {"quote never closed (record skipped, reading goes on after its first line)": 1},
    ),
    "csv-utf16-spreadsheet.txt": (None, {"Hikvision", "DS-2CD2143G0-I"}, {}),
    "csv-latin1.csv": (None, {"Malmö"}, {}),
    "csv-shift-jis.csv": (None, {"Hikvision"}, {}),
    "csv-nul-byte.csv": ("csv", {"a\x00b", "Vendor 19"}, {}),
    "eve-utf8-bom.json": (None, {"uc-httpd 1.0.0"}, {}),
    "eve-gzip-line-bomb.json.gz": (None, {"uc-httpd 1.0.0"}, {"line too long": 1}),
    "zeek-5000-columns.log": (
        "zeek",
        "error:line 3",
        {"bad Zeek header": 1, "data line before a #fields header": 1},
    ),
    "dhcpd-unbalanced.leases": (
        "dhcpd-leases",
        "error:line 1",
        {"unbalanced '}'": 1, "file ends inside a block": 1},
    ),
    "masscan-garbage.json": ("masscan", "error:line 2", {"malformed JSON": 2}),
}


def corpus_files() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if p.suffix not in (".py", ".md") and p.is_file())


def test_every_corpus_file_is_described_and_expected() -> None:
    readme = (HOSTILE / "README.md").read_text()
    assert corpus_files() == sorted(CORPUS)
    for name in CORPUS:
        assert f"| `{name}` |" in readme, name


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_replay(name: str) -> None:
    forced, expected, reasons = CORPUS[name]
    path = HOSTILE / name
    fmt = forced or detect_format(path, name)
    stats = ReadStats()
    items: list = []
    error: InputError | None = None
    try:
        items.extend(READERS[fmt](path, name, stats, SourceOptions()))
    except InputError as exc:  # the only exception a hostile file may raise
        error = exc
    assert not [r for r in stats.skipped if r.startswith(PARSER_FAILURE)]
    if isinstance(expected, str):
        assert error is not None, (name, stats)
        assert (error.file, f"error:{error.place}") == (name, expected), error
    else:
        assert error is None, error
        found = {i.text for i in items if not isinstance(i, Contact)}
        assert expected <= found, (name, expected - found)
    assert dict(stats.skipped) == reasons, name


def test_an_audit_of_the_corpus_keeps_the_good_inputs(tmp_path: Path) -> None:
    named = [HOSTILE / n for n in CORPUS if CORPUS[n][0] is None]
    result = subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", *map(str, named), str(ROOT / "examples" / "inventory.csv"),
         "--json", str(tmp_path / "r.json"), "--quiet"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(tmp_path / "db.sqlite"), "COLUMNS": "300"},
    )  # fmt: skip
    assert result.returncode == Exit.INPUT, result.stderr  # input errors, and the rest audited
    assert "Traceback" not in result.stderr
    for name, (_forced, expected, _reasons) in CORPUS.items():
        if isinstance(expected, str) and _forced is None:
            assert f"{HOSTILE / name}: {expected.removeprefix('error:')}" in result.stderr, name
    report = json.loads((tmp_path / "r.json").read_text())
    manufacturers = {d["manufacturer"] for d in report["devices"]}
    assert {"Hytera", "Hikvision"} <= manufacturers  # the inventory's and the corpus's good records
    inputs = {Path(i["path"]).name: i for i in report["inputs"]}
    assert inputs["wsd-unknown-encoding.pcap"]["skip_reasons"] == {
        "WS-Discovery XML in an unreadable encoding": 2
    }
