"""Bad input is counted per reason and the rest of the census goes on: malformed records, records
that are not objects, missing and bad addresses, missing countries, unknown fields, huge records,
invalid UTF-8, a file that stops mid-line, a compressed stream broken off."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from custodiet.census.run import CensusRequest, census
from custodiet.errors import UsageError

from . import synth
from .conftest import run_census

GOOD = synth.hosts(40, seed=9, covered_share=0.8)


def good_lines() -> list[bytes]:
    return synth.shodan(GOOD).splitlines()


def test_each_reason_counted_and_the_rest_read(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines()
    reference = tmp_path / "good.jsonl"
    reference.write_bytes(b"\n".join(lines) + b"\n")
    _, want_rows, want_hosts = run_census(context, [reference], tmp_path / "ref")
    huge = orjson.dumps({"ip_str": "8.8.4.4", "port": 80, "data": "x" * (9 << 20)})
    bad = [
        b'{"ip_str": "8.8.8.8", "port": 80, "data": "HTTP/1.1 200',  # malformed
        b"[1, 2, 3]",  # not an object
        b'"just a string"',
        orjson.dumps({"port": 80, "data": "SSH-2.0-x"}),  # no address
        orjson.dumps({"ip_str": "999.1.2.3", "port": 80, "data": "SSH-2.0-x"}),  # bad address
        orjson.dumps({"ip_str": "not an address", "port": 22}),
        huge,
        b'{"ip_str": "1.2.3.4", "data": "\xff\xfe broken utf-8"}',
        b"",  # blank: not a record, not counted
    ]
    unknown = orjson.loads(lines[0])
    unknown.update(
        {"vendor_extension": {"nested": [1, 2, {"x": None}]}, "location": {"country_code": "FR", "new": 1}}
    )
    no_country = orjson.loads(lines[1])
    del no_country["location"]
    mixed = [
        bad[0],
        lines[2],
        bad[1],
        bad[2],
        *lines[3:10],
        bad[3],
        bad[4],
        bad[5],
        bad[6],
        bad[7],
        bad[8],
        *lines[10:],
    ]
    mixed.insert(1, orjson.dumps(unknown))
    mixed.insert(1, orjson.dumps(no_country))
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        b"\n".join(mixed) + b"\n" + b'{"ip_str": "1.1.1.1", "port": 80, "data": "HTTP/1.1 2'
    )  # stops mid-line
    result, rows, hosts = run_census(context, [path], tmp_path / "out")
    summary = result.tables.files[0]
    assert dict(summary.skipped) == {
        "malformed JSON": 1,
        "not a JSON object": 2,
        "no address": 1,
        "bad address": 2,
        "record too large": 1,
        "not UTF-8": 1,
        "file ends mid-record": 1,
    }
    assert summary.records == len(lines)
    # The good records all made it: same hosts and makers (one host's country now comes from
    # its record's replacement "FR" or from the registry when the record lost its location).
    assert {h["address"]: h["manufacturer"] for h in hosts} == {
        h["address"]: h["manufacturer"] for h in want_hosts
    }
    assert sum(r["hosts"] for r in rows) == sum(r["hosts"] for r in want_rows)
    skipped = (tmp_path / "out" / "skipped.csv").read_text()
    assert "file ends mid-record,1" in skipped and "record too large,1" in skipped


def test_broken_gzip_keeps_what_was_read(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    packed = gzip.compress(synth.shodan(GOOD))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    result, rows, _ = run_census(context, [path], tmp_path / "out")
    summary = result.tables.files[0]
    assert summary.skipped["compressed stream broken off"] == 1
    assert 0 < summary.records < sum(len(h.services) for h in GOOD)
    assert sum(r["hosts"] for r in rows) > 0


def test_files_that_are_not_records(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a scan\n")
    (folder / "records.jsonl").write_bytes(synth.shodan(GOOD[:5]))
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    request = CensusRequest(
        paths=(folder, empty, tmp_path / "missing.jsonl"), out=tmp_path / "out", html=False
    )
    result = census(request, context)
    assert len(result.errors) == 2  # the empty file and the missing one, named by the user
    assert any("empty file" in e for e in result.errors) and any("no such file" in e for e in result.errors)
    labels = {f.label: f for f in result.tables.files}
    assert labels[str(folder / "records.jsonl")].records == sum(len(h.services) for h in GOOD[:5])
    assert labels[str(folder / "notes.txt")].skipped == {"not a scan record file": 1}
    with pytest.raises(UsageError):
        census(CensusRequest(paths=(folder / "notes.txt",), out=tmp_path / "o2"), context)


def test_spellings_of_one_address_are_one_host(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A host's records may spell its address differently (bracketed, padded, IPv6 in upper
    case or IPv4-mapped): they are one host, with all its services; a spelling that is no
    address is counted, and its record left out."""
    hik = "HTTP/1.1 200 OK\r\nServer: Hikvision-Webs\r\n\r\n"
    rtsp = "RTSP/1.0 401 Unauthorized\r\nServer: Hikvision-Webs\r\n\r\n"
    records = [
        {"ip_str": "192.0.2.7", "port": 80, "_shodan": {"module": "http"}, "data": hik},
        {"ip_str": "[192.0.2.7]", "port": 554, "_shodan": {"module": "rtsp"}, "data": rtsp},
        {"ip_str": " ::ffff:192.0.2.7", "port": 8000, "_shodan": {"module": "http"}, "data": hik},
        {"ip_str": "2001:DB8::1", "port": 80, "_shodan": {"module": "http"}, "data": hik},
        {"ip_str": "2001:db8:0::1", "port": 554, "_shodan": {"module": "rtsp"}, "data": rtsp},
        {"ip_str": "192.000.002.007", "port": 81, "_shodan": {"module": "http"}, "data": hik},
    ]
    for record in records:
        record["location"] = {"country_code": "FR"}
    path = tmp_path / "spellings.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    result, _, hosts = run_census(context, [path], tmp_path / "out")
    assert sorted((h["address"], h["services"]) for h in hosts) == [("192.0.2.7", 3), ("2001:db8::1", 2)]
    assert dict(result.tables.files[0].skipped) == {"bad address": 1}
    assert result.tables.files[0].records == 5
