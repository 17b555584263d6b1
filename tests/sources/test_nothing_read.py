"""A file that gives nothing readable because it is corrupt from its start or was forced into the
wrong reader (issue 12, row 14) is an input error naming the file and the place, not 0 records
with exit 0: a whole file must never be lost silently. Files that are well formed but hold
nothing a reader uses stay quiet."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.cli.exits import Exit
from custodiet.errors import InputError
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.registry import READERS

from .pcap.craft import REQUEST, RESPONSE, epb, http_exchange, idb, shb, write_pcap

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "examples" / "inventory.csv"
FRAMES = http_exchange("10.0.0.5", "10.0.0.64", REQUEST, RESPONSE)


def read(path: Path, fmt: str) -> tuple[list, ReadStats]:
    stats = ReadStats()
    return list(READERS[fmt](path, path.name, stats, SourceOptions())), stats


def test_a_pcap_whose_first_record_claims_4_gib(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "c.pcap", FRAMES)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 24 + 8, 0xFFFFFFF0)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read(path, "pcap")
    assert (caught.value.file, caught.value.place) == ("c.pcap", "byte 24")
    assert "corrupt record header (record length 4,294,967,280)" in caught.value.message


def test_a_pcapng_with_a_bad_block_length_after_the_interface_block(tmp_path: Path) -> None:
    path = tmp_path / "c.pcapng"
    bad = b"\x06\x00\x00\x00\x0d\x00\x00\x00" + b"\x00" * 8
    path.write_bytes(shb() + idb() + bad + b"".join(epb(f, i) for i, f in enumerate(FRAMES)))
    with pytest.raises(InputError) as caught:
        read(path, "pcapng")
    assert caught.value.place == "byte 48" and "block length 13" in caught.value.message


def test_corruption_after_good_packets_keeps_them_and_counts_it(tmp_path: Path) -> None:
    path = write_pcap(tmp_path / "late.pcap", FRAMES)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 24 + 16 + len(FRAMES[0]) + 8, 0xFFFFFFF0)
    path.write_bytes(bytes(data))
    _items, stats = read(path, "pcap")
    assert stats.records == 1 and stats.skipped == {"corrupt record header": 1}


@pytest.mark.parametrize(
    "fmt", ["zeek", "suricata-eve", "masscan", "zgrab2", "shodan", "censys", "dhcpd-leases", "dnsmasq"]
)
def test_a_csv_forced_into_a_log_reader(fmt: str) -> None:
    with pytest.raises(InputError) as caught:
        read(INVENTORY, fmt)
    assert caught.value.file == "inventory.csv" and caught.value.place == "line 1"
    assert "nothing could be read as" in caught.value.message and "--format" in caught.value.message


def test_well_formed_logs_that_carry_nothing_stay_quiet(tmp_path: Path) -> None:
    weird = tmp_path / "weird.log"
    weird.write_text(
        "#separator \\x09\n#path\tweird\n#fields\tts\tuid\tname\n#types\ttime\tstring\tstring\n"
        "1700000000.0\tC1\tbad_TCP_checksum\n"
    )
    items, stats = read(weird, "zeek")
    assert items == [] and stats.skipped == {"Zeek weird.log entry (counted, not read)": 1}
    stats_only = tmp_path / "eve.json"
    stats_only.write_text('{"timestamp":"2024-01-01T00:00:00.000000+0000","event_type":"stats","stats":{}}\n')
    items, stats = read(stats_only, "suricata-eve")
    assert items == [] and sum(stats.skipped.values()) == 1


def test_the_cli_reports_a_wrong_forced_format(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", str(INVENTORY), "--format", "zeek", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(tmp_path / "db.sqlite"), "COLUMNS": "300"},
    )
    assert result.returncode == Exit.INPUT, (result.returncode, result.stderr)
    assert "inventory.csv: line 1: nothing could be read as a Zeek log" in result.stderr
    assert "Traceback" not in result.stderr
