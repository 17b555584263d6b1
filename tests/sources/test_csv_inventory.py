"""The CSV inventory reader: header synonyms, delimiters, encodings, bad rows and bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.errors import InputError, UsageError
from custodiet.model import Subject
from custodiet.model.observation import MAX_TEXT
from custodiet.sources.base import SourceOptions
from custodiet.sources.csv_inventory import map_columns, normalise_header, read, sniff_delimiter

from .helpers import DATA, run_reader, texts


def write(tmp_path: Path, data: str | bytes, name: str = "inv.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_synonym_headers_bom_quotes_and_line_numbers() -> None:
    obs, stats = run_reader(read, DATA / "inventory.csv")
    assert stats.records == 5  # blank and all-empty rows are not records
    assert stats.skipped["bad address"] == 1
    assert stats.skipped["bad MAC (cell ignored)"] == 1
    assert stats.observations == len(obs)

    lobby = [o for o in obs if o.subject.address == "192.0.2.10"]
    assert {o.subject for o in lobby} == {Subject("192.0.2.10", "02:00:5E:12:34:56")}
    assert {o.field: o.text for o in lobby} == {
        "mac": "02:00:5E:12:34:56",
        "hostname": "cam-lobby",
        "inventory.vendor": "Example Vision",
        "inventory.model": "X-100",
        "inventory.serial": "SN0001",
        "inventory.site": "HQ Lobby",
        "inventory.owner": "facilities",
        "inventory.name": "Lobby camera",
    }
    assert {o.provenance.place for o in lobby} == {"line 2"}
    assert {o.provenance.file for o in obs} == {"inventory.csv"}

    assert texts(obs, "inventory.name", "192.0.2.20") == ["Recorder, rack 2"]
    assert texts(obs, "inventory.site", "192.0.2.20") == ['HQ "Server" Room']
    assert texts(obs, "mac", "192.0.2.20") == []

    # IPv6 normalised, Cisco-style MAC normalised, a quoted field over two lines.
    switch = [o for o in obs if o.subject.address == "2001:db8::5"]
    assert switch[0].subject.mac == "00:11:22:33:44:55"
    assert texts(switch, "inventory.site") == ["Multi\r\nline site"]
    assert {o.provenance.place for o in switch} == {"line 7"}
    # The row after the two-line one is on line 9; its bad MAC is dropped, the row kept.
    uplink = [o for o in obs if o.subject.address == "192.0.2.30"]
    assert uplink and {o.provenance.place for o in uplink} == {"line 9"}
    assert uplink[0].subject.mac is None and texts(uplink, "mac") == []


def test_semicolons_and_non_utf8_bytes_kept_as_escapes() -> None:
    obs, stats = run_reader(read, DATA / "inventory_semicolon.csv")
    assert stats.records == 1
    assert {o.field: o.text for o in obs} == {
        "mac": "AA:BB:CC:00:11:22",
        "inventory.vendor": "Caf\\xe9 Vision",
        "inventory.model": "Cam\\xff 1",
        "inventory.site": "Annex",
    }


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(tmp_path: Path, delimiter: str) -> None:
    text = (
        delimiter.join(["IP", "Vendor", "Notes"])
        + "\n"
        + delimiter.join(["192.0.2.1", "Acme", "a,b;c"])
        + "\n"
    )
    if delimiter == ",":
        text = text.replace("a,b;c", '"a,b;c"')
    obs, _ = run_reader(read, write(tmp_path, text))
    assert texts(obs, "inventory.vendor") == ["Acme"]


def test_sniff_delimiter_prefers_the_most_frequent() -> None:
    assert sniff_delimiter("a;b;c,d\n") == ";"
    assert sniff_delimiter("a\tb|c\td\n") == "\t"
    assert sniff_delimiter("single\n") == ","


def test_no_address_column_names_headers_and_suggests_map(tmp_path: Path) -> None:
    path = write(tmp_path, "Device,Vendor,Where\ncam,Acme,Lobby\n")
    with pytest.raises(InputError) as caught:
        run_reader(read, path)
    error = caught.value
    assert "'Device', 'Vendor', 'Where'" in error.message
    assert "--map address=HEADER" in error.message
    assert "\n" not in error.message
    assert error.file == "inv.csv" and error.place == "line 1"


def test_column_map_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "Device,Addr.,Vendor,Make\ncam,192.0.2.7,Acme,Other\n")
    obs, _ = run_reader(
        read, path, SourceOptions(column_map={"address": "addr", "vendor": "Make", "name": "Device"})
    )
    assert {o.field: o.text for o in obs} == {"inventory.vendor": "Other", "inventory.name": "cam"}
    assert obs[0].subject.address == "192.0.2.7"


def test_column_map_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "IP,Vendor\n192.0.2.1,Acme\n")
    with pytest.raises(InputError, match=r"--map vendor=Brand: no such column"):
        run_reader(read, path, SourceOptions(column_map={"vendor": "Brand"}))
    with pytest.raises(UsageError, match="unknown role"):
        run_reader(read, path, SourceOptions(column_map={"colour": "Vendor"}))


def test_strict_turns_bad_rows_into_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "IP,Vendor\n192.0.2.1,Acme\n\n192.0.2.300,Acme\n")
    with pytest.raises(InputError) as caught:
        run_reader(read, path, SourceOptions(strict=True))
    assert caught.value.place == "line 4" and "'192.0.2.300'" in caught.value.message
    obs, stats = run_reader(read, path)
    assert stats.skipped["bad address"] == 1 and len(obs) == 1


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for content in (b"", b"\n\r\n  \n", b"\xef\xbb\xbf"):
        with pytest.raises(InputError, match="empty file"):
            run_reader(read, write(tmp_path, content))


def test_header_only_file_has_no_records(tmp_path: Path) -> None:
    obs, stats = run_reader(read, write(tmp_path, "\n\nip;mac\n"))
    assert obs == [] and stats.records == 0


def test_leading_blank_lines_shift_line_numbers(tmp_path: Path) -> None:
    obs, _ = run_reader(read, write(tmp_path, "\n\nip,vendor\n192.0.2.1,Acme\n"))
    assert obs[0].provenance.place == "line 4"


def test_long_cells_are_bounded_or_refused(tmp_path: Path) -> None:
    cell = "V" * 100_000  # under csv's field limit, over MAX_TEXT
    obs, _ = run_reader(read, write(tmp_path, f"ip,vendor\n192.0.2.1,{cell}\n"))
    assert len(obs[0].text) == MAX_TEXT
    # A 5 MB cell is refused with its line, not read into memory whole.
    huge = "W" * (5 * 1024 * 1024)
    with pytest.raises(InputError) as caught:
        run_reader(read, write(tmp_path, f"ip,vendor\n192.0.2.1,x\n192.0.2.2,{huge}\n"))
    assert caught.value.place == "line 3"
    assert "longer than" in caught.value.message


def test_quoted_field_over_the_field_limit_is_an_error(tmp_path: Path) -> None:
    lines = "\n".join(["x" * 1000] * 200)  # 200 KB in one quoted field, lines short
    with pytest.raises(InputError, match="malformed CSV: field larger than field limit"):
        run_reader(read, write(tmp_path, f'ip,vendor\n192.0.2.1,"{lines}"\n'))


def test_header_normalisation_and_mapping() -> None:
    assert normalise_header(" Host_IP-Address ") == "hostipaddress"
    assert normalise_header("S/N") == "sn"
    columns = map_columns(["S/N", "Name", "IP", "Brand", "Asset", "FQDN"], {}, "x")
    assert columns == {"serial": 0, "hostname": 1, "address": 2, "vendor": 3, "name": 4}
